import type { Alarm, AlarmKind } from '../observations.js';
import { neverThrow, type ParseResult, parsed } from './result.js';
import { type ColumnSpec, cell, isMemberId, isToken, normalizeMemberId, parseTable } from './table.js';

const KINDS: readonly string[] = ['NONE', 'NOSPACE', 'CORRUPT'] satisfies AlarmKind[];

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'NODE', optional: true, test: isToken },
  { name: 'MEMBER', test: isMemberId },
  { name: 'ALARM', test: (s) => KINDS.includes(s) },
];

function matchRow(line: string, present: readonly string[]): Record<string, string> | undefined {
  const node = present.includes('NODE') ? String.raw`(\S+)\s+` : '()';
  const m = new RegExp(`^${node}([0-9a-f]{1,16})\\s+(NONE|NOSPACE|CORRUPT)\\s*$`).exec(line);
  return m === null ? undefined : { NODE: m[1] ?? '', MEMBER: m[2] ?? '', ALARM: m[3] ?? '' };
}

/**
 * Parses `talosctl etcd alarm list` and `etcd alarm disarm` (which lists what it cleared). Empty
 * output means no alarm: talosctl prints the header only when there is at least one row.
 */
export const parseAlarms: (stdout: string) => ParseResult<Alarm[]> = neverThrow((stdout: string) => {
  const table = parseTable({ command: 'etcd alarm', columns: COLUMNS, matchRow }, stdout);
  if (!table.ok) return table;
  return parsed(
    table.value.rows.map(({ cells }) => ({
      node: cell(cells, 'NODE'),
      member: normalizeMemberId(cell(cells, 'MEMBER')),
      kind: cell(cells, 'ALARM') as AlarmKind,
    })),
  );
});
