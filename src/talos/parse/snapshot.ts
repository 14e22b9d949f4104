import type { SnapshotInfo } from '../observations.js';
import { unquoteGo } from './go-quote.js';
import { neverThrow, type ParseResult, parsed, parseFailure, toLines } from './result.js';

const SAVED = /^etcd snapshot saved to ("(?:[^"\\]|\\.)*") \((\d+) bytes\)$/;
const INFO = /^snapshot info: hash ([0-9a-f]{8}), revision (\d+), total keys (\d+), total size (\d+)$/;

export type Info = Pick<SnapshotInfo, 'hash' | 'revision' | 'totalKeys' | 'totalSize'>;

export function readInfo(m: RegExpExecArray, from: number): Info {
  return {
    hash: m[from] ?? '',
    revision: Number(m[from + 1]),
    totalKeys: Number(m[from + 2]),
    totalSize: Number(m[from + 3]),
  };
}

/**
 * Parses `talosctl etcd snapshot <path>`: the `saved to` line and the `snapshot info:` line. A
 * non-zero exit after the file was saved means etcdutl could not read it back: the file exists
 * but is marked trusted:false. A size that is not 512·k+32 (no appended sha256) is untrusted too.
 */
export const parseSnapshot: (stdout: string, exitCode: number) => ParseResult<SnapshotInfo> = neverThrow(
  (stdout: string, exitCode: number) => {
    let saved: { path: string; bytes: number } | undefined;
    let info: Info | undefined;
    const lines = toLines(stdout);
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      const s = SAVED.exec(line);
      const n = INFO.exec(line);
      const path = s?.[1] === undefined ? undefined : unquoteGo(s[1]);
      if (s !== null && path !== undefined && saved === undefined) saved = { path, bytes: Number(s[2]) };
      else if (n !== null && saved !== undefined && info === undefined) info = readInfo(n, 1);
      else return parseFailure('bad-line', `etcd snapshot: unexpected line ${JSON.stringify(line)}`, stdout, i + 1);
    }
    if (saved === undefined)
      return parseFailure('missing-line', 'etcd snapshot: no "etcd snapshot saved to" line', stdout);
    if (info === undefined && exitCode === 0) {
      return parseFailure('missing-line', 'etcd snapshot: exit 0 without a "snapshot info:" line', stdout);
    }
    const trusted = exitCode === 0 && saved.bytes % 512 === 32;
    if (info === undefined) {
      return parsed({ ...saved, hash: '', revision: 0, totalKeys: 0, totalSize: 0, trusted, infoPrinted: false });
    }
    return parsed({ ...saved, ...info, trusted, infoPrinted: true });
  },
);
