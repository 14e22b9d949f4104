import type { RecoveryInfo } from '../observations.js';
import { unquoteGo } from './go-quote.js';
import { neverThrow, type ParseResult, parsed, parseFailure, toLines } from './result.js';
import { readInfo } from './snapshot.js';

const RECOVERING =
  /^recovering from snapshot ("(?:[^"\\]|\\.)*"): hash ([0-9a-f]{8}), revision (\d+), total keys (\d+), total size (\d+)$/;

/**
 * Parses the stdout of `talosctl bootstrap --recover-from <p>`: the `recovering from snapshot`
 * line talosctl prints after checking the file locally, before uploading it. Its hash/revision
 * are later compared with the node's own `recovering etcd from snapshot:` kernel log line.
 */
export const parseRecovery: (stdout: string) => ParseResult<RecoveryInfo> = neverThrow((stdout: string) => {
  let found: RecoveryInfo | undefined;
  for (const [i, line] of toLines(stdout).entries()) {
    if (line.trim() === '') continue;
    const m = RECOVERING.exec(line);
    const path = m?.[1] === undefined ? undefined : unquoteGo(m[1]);
    if (m === null || path === undefined || found !== undefined) {
      return parseFailure('bad-line', `bootstrap: unexpected line ${JSON.stringify(line)}`, stdout, i + 1);
    }
    found = { path, ...readInfo(m, 2) };
  }
  if (found === undefined) return parseFailure('missing-line', 'bootstrap: no "recovering from snapshot" line', stdout);
  return parsed(found);
});
