import type { Member } from '../observations.js';
import { neverThrow, type ParseResult, parsed } from './result.js';
import { type ColumnSpec, cell, isBool, isMemberId, isToken, normalizeMemberId, parseTable } from './table.js';

const isUrls = (s: string): boolean => /^\S+:\/\/\S*$/.test(s);
const isName = (s: string): boolean => isToken(s) && !s.includes('://');

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'NODE', optional: true, test: isToken },
  { name: 'ID', test: isMemberId },
  { name: 'HOSTNAME', blank: true, test: isName },
  { name: 'PEER URLS', test: isUrls },
  { name: 'CLIENT URLS', blank: true, test: isUrls },
  // talosctl before learners (≤ 1.2) prints no LEARNER column: those members are voters
  { name: 'LEARNER', optional: true, test: isBool },
];

/**
 * Reads a row without positions: node, a hex id, then the hostname (no `://`) and the URL lists
 * (with `://`), either of hostname and client URLs possibly blank, then true/false.
 */
function matchRow(line: string, present: readonly string[]): Record<string, string> | undefined {
  const tokens = line.trim().split(/\s+/);
  const out: Record<string, string> = {};
  if (present.includes('NODE')) out.NODE = tokens.shift() ?? '';
  out.ID = tokens.shift() ?? '';
  if (present.includes('LEARNER')) out.LEARNER = tokens.pop() ?? '';
  if (!isMemberId(out.ID) || (present.includes('LEARNER') && !isBool(out.LEARNER ?? ''))) return undefined;
  const names = tokens.filter((t) => !t.includes('://'));
  const urls = tokens.filter((t) => t.includes('://'));
  if (names.length > 1 || urls.length < 1 || urls.length > 2) return undefined;
  if (names.length === 1 && tokens[0] !== names[0]) return undefined;
  out.HOSTNAME = names[0] ?? '';
  out['PEER URLS'] = urls[0] ?? '';
  out['CLIENT URLS'] = urls[1] ?? '';
  return out;
}

const splitList = (s: string): string[] => (s === '' ? [] : s.split(','));

/**
 * Parses `talosctl etcd members`: one row per member as each answering node's etcd sees it.
 * No rows (or no output at all, ≤1.13) is an empty list; the exit code says whether that is complete.
 */
export const parseMembers: (stdout: string) => ParseResult<Member[]> = neverThrow((stdout: string) => {
  const table = parseTable({ command: 'etcd members', columns: COLUMNS, matchRow }, stdout);
  if (!table.ok) return table;
  return parsed(
    table.value.rows.map(({ cells }) => ({
      node: cell(cells, 'NODE'),
      id: normalizeMemberId(cell(cells, 'ID')),
      name: cell(cells, 'HOSTNAME'),
      peerUrls: splitList(cell(cells, 'PEER URLS')),
      clientUrls: splitList(cell(cells, 'CLIENT URLS')),
      learner: cell(cells, 'LEARNER') === 'true',
    })),
  );
});
