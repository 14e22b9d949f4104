import type { MemberStatus } from '../observations.js';
import { neverThrow, type ParseResult, parsed, parseFailure } from './result.js';
import { isSize, parseSize } from './size.js';
import { type ColumnSpec, cell, isBool, isMemberId, isToken, isUint, normalizeMemberId, parseTable } from './table.js';

const SIZE = String.raw`\d+(?:\.\d+)? [kKMGTPE]?B`;
const PERCENT = String.raw`(?:\d+(?:\.\d+)?|NaN)`;
const IN_USE = new RegExp(`^(${SIZE}) \\((${PERCENT})%\\)$`);
const isInUse = (s: string): boolean => IN_USE.test(s);
const isVersion = (s: string): boolean => /^(?:\d+\.\d+\.\d+\S*|unknown)$/.test(s);

const COLUMNS: readonly ColumnSpec[] = [
  { name: 'NODE', optional: true, test: isToken },
  { name: 'MEMBER', test: isMemberId },
  { name: 'DB SIZE', test: isSize },
  { name: 'IN USE', test: isInUse },
  { name: 'LEADER', test: isMemberId },
  { name: 'RAFT INDEX', test: isUint },
  { name: 'RAFT TERM', test: isUint },
  { name: 'RAFT APPLIED INDEX', optional: true, test: isUint },
  { name: 'LEARNER', test: isBool },
  { name: 'PROTOCOL', optional: true, blank: true, test: isVersion },
  { name: 'STORAGE', optional: true, blank: true, test: isVersion },
  { name: 'ERRORS', blank: true },
];

/** The row pattern, anchored on the two hex ids; built for the columns the header has. */
function matchRow(line: string, present: readonly string[]): Record<string, string> | undefined {
  const has = (n: string): boolean => present.includes(n);
  const src = [
    '^',
    has('NODE') ? String.raw`(?<node>\S+)\s+` : '',
    String.raw`(?<member>[0-9a-f]{1,16})\s+(?<db>${SIZE})\s+(?<inuse>${SIZE} \(${PERCENT}%\))\s+`,
    String.raw`(?<leader>[0-9a-f]{1,16})\s+(?<index>\d+)\s+(?<term>\d+)\s+`,
    has('RAFT APPLIED INDEX') ? String.raw`(?<applied>\d+)\s+` : '',
    '(?<learner>true|false)',
    has('PROTOCOL') ? String.raw`(?:\s+(?<protocol>\d+\.\d+\.\d+\S*|unknown))?` : '',
    has('STORAGE') ? String.raw`(?:\s+(?<storage>\d+\.\d+\.\d+\S*|unknown))?` : '',
    String.raw`(?:\s+(?<errors>.*\S))?\s*$`,
  ].join('');
  const g = new RegExp(src).exec(line)?.groups;
  if (g === undefined) return undefined;
  return {
    NODE: g.node ?? '',
    MEMBER: g.member ?? '',
    'DB SIZE': g.db ?? '',
    'IN USE': g.inuse ?? '',
    LEADER: g.leader ?? '',
    'RAFT INDEX': g.index ?? '',
    'RAFT TERM': g.term ?? '',
    'RAFT APPLIED INDEX': g.applied ?? '',
    LEARNER: g.learner ?? '',
    PROTOCOL: g.protocol ?? '',
    STORAGE: g.storage ?? '',
    ERRORS: g.errors ?? '',
  };
}

function toNumber(s: string): number | undefined {
  return s === '' ? undefined : Number(s);
}

/**
 * Parses `talosctl etcd status`, with or without RAFT APPLIED INDEX / PROTOCOL / STORAGE (talosctl
 * before v1.11 has no PROTOCOL/STORAGE). Sizes are converted back to bytes (approximate, base 1000).
 */
export const parseStatus: (stdout: string) => ParseResult<MemberStatus[]> = neverThrow((stdout: string) => {
  const table = parseTable({ command: 'etcd status', columns: COLUMNS, matchRow }, stdout);
  if (!table.ok) return table;
  const out: MemberStatus[] = [];
  for (const { cells, line } of table.value.rows) {
    const db = parseSize(cell(cells, 'DB SIZE'));
    const m = IN_USE.exec(cell(cells, 'IN USE'));
    const inUse = parseSize(m?.[1] ?? '');
    if (!db.ok || !inUse.ok || m?.[2] === undefined) {
      return parseFailure('bad-value', 'etcd status: unreadable DB SIZE or IN USE', stdout, line);
    }
    const errors = cell(cells, 'ERRORS');
    out.push({
      node: cell(cells, 'NODE'),
      member: normalizeMemberId(cell(cells, 'MEMBER')),
      dbSizeBytes: db.value,
      inUseBytes: inUse.value,
      // 0/0 prints NaN in Go; an empty database is 0 % in use
      inUsePercent: m[2] === 'NaN' ? 0 : Number(m[2]),
      leader: normalizeMemberId(cell(cells, 'LEADER')),
      raftIndex: Number(cell(cells, 'RAFT INDEX')),
      raftTerm: Number(cell(cells, 'RAFT TERM')),
      raftAppliedIndex: toNumber(cell(cells, 'RAFT APPLIED INDEX')),
      learner: cell(cells, 'LEARNER') === 'true',
      protocol: cell(cells, 'PROTOCOL') || undefined,
      storage: cell(cells, 'STORAGE') || undefined,
      errors: errors === '' ? [] : errors.split(', '),
    });
  }
  return parsed(out);
});
