import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SnapshotReader } from '../checks/reader.js';
import type { Value } from '../runbook/params.js';

/**
 * The SnapshotReader port of `snapshot-verified`, for real files:
 * - stat: fs.stat (null when the file does not exist);
 * - status: first the sha256 trailer is checked against the content (what `bootstrap
 *   --recover-from` checks; a corrupt file is refused here, before anything is wiped), then the
 *   hash/revision/keys come from what `talosctl etcd snapshot` printed earlier in this run (a
 *   capture whose path is this file), else from `etcdutl` / `etcdctl snapshot status -w json`.
 */

type Status = { hash: string; revision: number; totalKeys: number; totalSize: number };

export interface SnapshotReaderOptions {
  /** the run's captures, searched for a `talosctl etcd snapshot` of the same file */
  captures: () => Record<string, Record<string, Value>>;
  cwd: string;
  signal: AbortSignal;
  timeoutMs?: number;
}

const TRAILER = 32;

/** Whether the last 32 bytes are the sha256 of everything before them. */
export async function trailerMatches(path: string, bytes: number): Promise<boolean> {
  const h = createHash('sha256');
  await new Promise<void>((ok, fail) => {
    createReadStream(path, { start: 0, end: bytes - TRAILER - 1 })
      .on('data', (c) => h.update(c))
      .on('end', ok)
      .on('error', fail);
  });
  const fd = await open(path, 'r');
  try {
    const buf = Buffer.alloc(TRAILER);
    await fd.read(buf, 0, TRAILER, bytes - TRAILER);
    return h.digest().equals(buf);
  } finally {
    await fd.close();
  }
}

/** etcd's uint32 hash as talosctl prints it: 8 hex digits. */
export const hashHex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** Parses `etcdutl|etcdctl snapshot status -w json`: {"hash":…,"revision":…,"totalKey":…,"totalSize":…}. */
export function parseStatusJson(text: string): Status | undefined {
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const nums = [j.hash, j.revision, j.totalKey, j.totalSize];
    if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) return undefined;
    return {
      hash: hashHex(Number(j.hash)),
      revision: Number(j.revision),
      totalKeys: Number(j.totalKey),
      totalSize: Number(j.totalSize),
    };
  } catch {
    return undefined;
  }
}

function fromCaptures(o: SnapshotReaderOptions, path: string): Status | undefined {
  const want = resolve(o.cwd, path);
  for (const c of Object.values(o.captures())) {
    const p = c.path;
    const hash = c.hash;
    if (typeof p !== 'string' || typeof hash !== 'string' || hash === '' || resolve(o.cwd, p) !== want) continue;
    const n = (k: string): number => (typeof c[k] === 'number' ? (c[k] as number) : Number.NaN);
    const s = { hash, revision: n('revision'), totalKeys: n('totalKeys'), totalSize: 0 };
    if (Number.isFinite(s.revision) && Number.isFinite(s.totalKeys)) return s;
  }
  return undefined;
}

/**
 * hash/revision/keys of a snapshot file from `etcdutl`, else `etcdctl snapshot status -w json`
 * (exported for backup verify, which reads a backup back into a temp file).
 */
export async function fromTools(
  o: Pick<SnapshotReaderOptions, 'signal' | 'timeoutMs'>,
  path: string,
): Promise<Status | { error: string }> {
  const tried: string[] = [];
  // loaded here, not at the top: every `run` loads this module, few ever read a snapshot's status
  const { execa } = await import('execa');
  for (const tool of ['etcdutl', 'etcdctl']) {
    const r = await execa(tool, ['snapshot', 'status', path, '-w', 'json'], {
      reject: false,
      timeout: o.timeoutMs ?? 60_000,
      cancelSignal: o.signal,
      env: { ETCDCTL_API: '3' },
    });
    if (r.failed && (r as { code?: string }).code === 'ENOENT') {
      tried.push(`${tool} not installed`);
      continue;
    }
    const s = r.exitCode === 0 ? parseStatusJson(String(r.stdout)) : undefined;
    if (s) return s;
    tried.push(`${tool}: ${String(r.stderr).trim().split('\n').at(-1) || `exit ${r.exitCode}`}`);
  }
  return { error: `cannot read its status (${tried.join('; ')})` };
}

export function createSnapshotReader(o: SnapshotReaderOptions): SnapshotReader {
  return {
    async stat(path) {
      try {
        const s = await stat(resolve(o.cwd, path));
        return s.isFile() ? { bytes: s.size } : null;
      } catch {
        return null;
      }
    },
    async status(path) {
      const abs = resolve(o.cwd, path);
      try {
        const { size } = await stat(abs);
        if (size % 512 === TRAILER && !(await trailerMatches(abs, size))) {
          return {
            error: 'its sha256 trailer does not match its content: the file is corrupt (a restore would refuse it)',
          };
        }
      } catch (e) {
        return { error: `cannot read it: ${e instanceof Error ? e.message : String(e)}` };
      }
      return fromCaptures(o, path) ?? (await fromTools(o, abs));
    },
  };
}
