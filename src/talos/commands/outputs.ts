import { parseSnapshot } from '../parse/snapshot.js';
import type { CommandClass } from './class.js';

/** What `etcd snapshot <path>` yields to a step that captures it (its shape declares these). */
export const SNAPSHOT_OUTPUTS = {
  path: { type: 'path', description: 'where the snapshot was written' },
  bytes: { type: 'number', description: 'file size in bytes' },
  hash: { type: 'string', description: 'etcdutl hash, 8 hex digits' },
  revision: { type: 'number', description: 'etcd revision of the snapshot' },
  totalKeys: { type: 'number', description: 'bbolt keys in the snapshot' },
} as const;

/**
 * Parses a command's output into the values its `outputs` declare, or undefined when the
 * command declares none. Only `etcd snapshot` has outputs today.
 */
export function parseOutputs(
  c: Pick<CommandClass, 'outputs' | 'shape'>,
  stdout: string,
  exitCode: number,
): ReturnType<typeof parseSnapshot> | undefined {
  if (c.outputs === undefined) return undefined;
  return c.shape.startsWith('etcd snapshot') ? parseSnapshot(stdout, exitCode) : undefined;
}
