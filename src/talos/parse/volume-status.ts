import type { EtcdVolume } from '../observations.js';
import { splitJsonStream } from './json-stream.js';
import { neverThrow, type ParseResult, parsed, parseFailure } from './result.js';

/**
 * Parses `talosctl get volumestatus ETCD -o json`. From Talos source (VolumeStatus,
 * VolumeStatuses.block.talos.dev, PromotableSystemVolumeNames, commit 241bd0ff1): spec.type is
 * `directory` while ETCD lives under EPHEMERAL and `partition` when it is a dedicated volume
 * (v1.14+), spec.phase one of waiting|failed|missing|located|provisioned|prepared|ready|closed,
 * spec.location the partition's device. Anything else is refused, never guessed.
 */

const TYPES = ['partition', 'directory', 'disk', 'tmpfs', 'overlay', 'symlink', 'external'];

interface Resource {
  node?: unknown;
  metadata?: { id?: unknown; type?: unknown };
  spec?: { type?: unknown; phase?: unknown; location?: unknown };
}

export const parseVolumeStatus: (stdout: string) => ParseResult<EtcdVolume[]> = neverThrow((stdout: string) => {
  const { objects, junk } = splitJsonStream(stdout);
  if (junk.length > 0) return parseFailure('bad-line', `get volumestatus: not JSON: ${junk[0]?.slice(0, 80)}`, stdout);
  const out: EtcdVolume[] = [];
  for (const o of objects as Resource[]) {
    const id = o.metadata?.id;
    const type = o.spec?.type;
    if (id !== 'ETCD') continue;
    if (typeof type !== 'string' || !TYPES.includes(type))
      return parseFailure('bad-value', `get volumestatus ETCD: unknown spec.type ${JSON.stringify(type)}`, stdout);
    out.push({
      node: typeof o.node === 'string' ? o.node : '',
      type,
      phase: typeof o.spec?.phase === 'string' ? o.spec.phase : '',
      location: typeof o.spec?.location === 'string' ? o.spec.location : '',
    });
  }
  if (out.length === 0)
    return parseFailure('missing-line', 'get volumestatus ETCD: no ETCD resource in the output', stdout);
  return parsed(out);
});
