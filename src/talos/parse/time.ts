import type { NodeTime } from '../observations.js';
import { neverThrow, type ParseResult, parsed, parseFailure, toLines } from './result.js';

/**
 * Parses `talosctl time`: `NODE NTP-SERVER NODE-TIME NTP-SERVER-TIME` (before 2020:
 * LOCAL-TIME/REMOTE-TIME), times in Go's time.String form `2023-04-12 11:43:52.324593578 +0000
 * UTC`. Each row's two times are read at one moment, so node − server is the node's offset, and
 * the spread of offsets across rows is the skew between nodes (siderolabs/talos#7080).
 */

const GO_TIME = String.raw`(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,9})? [+-]\d{4} [A-Za-z0-9+-]+)`;
const HEADER = /^(?:NODE\s+)?NTP-SERVER\s+(?:NODE-TIME|LOCAL-TIME)\s+(?:NTP-SERVER-TIME|REMOTE-TIME)\s*$/;

/** Whole seconds since the epoch (in ms) and the nanoseconds apart, so differences stay exact. */
export function goTime(text: string): { secondsMs: number; nanos: number } | undefined {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,9}))? ([+-])(\d\d)(\d\d) /.exec(`${text} `);
  if (m === null) return undefined;
  const base = Date.parse(`${m[1]}T${m[2]}${m[4]}${m[5]}:${m[6]}`);
  if (Number.isNaN(base)) return undefined;
  return { secondsMs: base, nanos: Number((m[3] ?? '').padEnd(9, '0')) };
}

/** a − b in milliseconds, to the microsecond */
function diffMs(a: { secondsMs: number; nanos: number }, b: { secondsMs: number; nanos: number }): number {
  return a.secondsMs - b.secondsMs + Math.round((a.nanos - b.nanos) / 1000) / 1000;
}

export const parseTime: (stdout: string) => ParseResult<NodeTime[]> = neverThrow((stdout: string) => {
  const lines = toLines(stdout).filter((l) => l.trim() !== '');
  const header = lines[0];
  if (header === undefined || !HEADER.test(header.trim()))
    return parseFailure('bad-header', 'talosctl time: no NODE NTP-SERVER NODE-TIME NTP-SERVER-TIME header', stdout, 1);
  const withNode = /^NODE\s/.test(header.trim());
  const row = new RegExp(`^${withNode ? String.raw`(\S+)\s+` : '()'}(\\S+)\\s+${GO_TIME}\\s+${GO_TIME}\\s*$`);
  const out: NodeTime[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    const m = row.exec(line.trim());
    const node = m?.[1] ?? '';
    const [nodeAt, serverAt] = [goTime(m?.[3] ?? ''), goTime(m?.[4] ?? '')];
    if (m === null || nodeAt === undefined || serverAt === undefined)
      return parseFailure('bad-row', `talosctl time: row not understood: ${line.trim()}`, stdout, i + 2);
    out.push({ node, server: m[2] ?? '', offsetMs: diffMs(nodeAt, serverAt), nodeTime: m[3] ?? '' });
  }
  return parsed(out);
});
