import { failedRead, unparsedRead } from '../../checks/read-cause.js';
import {
  type ClusterReads,
  emptyReads,
  NO_REVISION_SOURCE,
  type Read,
  type ReadKind,
  type ReadRequest,
} from '../../checks/reader.js';
import { toNodeOutcome } from '../../talos/outcome.js';
import { READ_PARSERS, readKindOf } from '../../talos/read-commands.js';
import { recordedResult } from '../../talos/talosctl.js';
import type { PayloadByType } from '../log-format.js';

/**
 * Rebuilds the reads a check saw from the raw command outputs the journal kept, with today's
 * parsers and today's outcome rules. Pure: the same function serves `log replay` and the engine's
 * live reader can share it (readFromResult is exactly what a live read does after talosctl returns).
 */

type CommandKind = Exclude<ReadKind, 'revision'>;

type RecordedResult = PayloadByType['command-result'];

/** One Read from one recorded talosctl result: outcome classification, then the parser. */
export function readFromResult(kind: CommandKind, r: RecordedResult): Read<unknown> {
  const raw = r.ref;
  const outcome = toNodeOutcome(recordedResult(r));
  const withRaw = <T extends Read<unknown>>(x: T): T => (raw === undefined ? x : { ...x, raw });
  if (!outcome.ok) return withRaw(failedRead(outcome));
  const p = READ_PARSERS[kind](r.stdout);
  if (!p.ok) return withRaw(unparsedRead(p.error.message));
  return withRaw({ ok: true, value: p.value });
}

export interface Rebuilt {
  reads: ClusterReads;
  /** reads the check asks for that no evidence answers (replayed as "not read") */
  missing: ReadRequest[];
  /** evidence refs with no command-result of a known read kind */
  unknownRefs: string[];
}

/** The ClusterReads behind one check record, from its evidence refs. */
export function rebuildReads(
  requests: readonly ReadRequest[],
  evidence: readonly string[],
  results: ReadonlyMap<string, RecordedResult>,
): Rebuilt {
  const reads = emptyReads();
  const unknownRefs: string[] = [];
  for (const ref of evidence) {
    const r = results.get(ref);
    const kind = r ? readKindOf(r.argv) : undefined;
    if (!r || !kind || r.node === null) {
      unknownRefs.push(ref);
      continue;
    }
    (reads[kind] as Record<string, Read<unknown>>)[r.node] = readFromResult(kind, r);
  }
  const missing: ReadRequest[] = [];
  for (const q of requests) {
    if (q.kind === 'revision') {
      reads.revision[q.node] ??= { ok: false, reason: NO_REVISION_SOURCE, unreachable: false };
      continue;
    }
    if (!(q.node in reads[q.kind])) missing.push(q);
  }
  return { reads, missing, unknownRefs };
}
