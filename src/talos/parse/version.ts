import { neverThrow, type ParseResult, parsed, parseFailure, toLines } from './result.js';

/** How a talosctl generation reports per-node failures (see talosctl-reference.md §1). */
export type MultiNodeSemantics =
  /** ≤1.13: apid aggregates; partial failure is `WARNING:` on stderr and exit 0 */
  | 'aggregated'
  /** ≥1.14: one call per node; partial failure is `error from node …` and exit 1 */
  | 'per-node';

export interface ClientVersion {
  /** as printed, e.g. `v1.14.0-beta.1` */
  tag: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string | undefined;
  semantics: MultiNodeSemantics;
}

const TAG = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+\S*)?$/;

/**
 * Parses `talosctl version --client --short` (`Client:\n\tTalos v1.14.0`), also accepting the long
 * form's `Tag: v1.13.9` line. Only the client section is read; a `Server:` section is ignored.
 */
export const parseClientVersion: (stdout: string) => ParseResult<ClientVersion> = neverThrow((stdout: string) => {
  let section: 'client' | 'server' | undefined;
  for (const [i, raw] of toLines(stdout).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    if (/^Client:$/.test(line)) section = 'client';
    else if (/^Server:$/.test(line)) section = 'server';
    if (section === 'server') continue;
    const m = /^(?:Talos|Tag:)\s+(\S+)$/.exec(line);
    if (m?.[1] === undefined) continue;
    const t = TAG.exec(m[1]);
    if (t === null) return parseFailure('bad-value', `talosctl version: unreadable tag ${m[1]}`, stdout, i + 1);
    const [major, minor, patch] = [Number(t[1]), Number(t[2]), Number(t[3])];
    return parsed({
      tag: m[1],
      major,
      minor,
      patch,
      prerelease: t[4],
      semantics: major > 1 || (major === 1 && minor >= 14) ? 'per-node' : 'aggregated',
    });
  }
  return parseFailure('missing-line', 'talosctl version: no client version line', stdout);
});
