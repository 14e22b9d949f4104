import { type ParseResult, parsed, parseFailure, toLines } from './result.js';

/**
 * Reading of talosctl's tabwriter tables (padding 3, left-aligned). Column names are located in the
 * header; cells may contain single spaces (`4.5 MB`, `PEER URLS`) or be blank (an unstarted
 * member), so splitting on whitespace is wrong. Rows printed after a mid-output flush may be
 * aligned differently from the header, so every row is read by the first strategy that fits:
 *   1. split on runs of 2+ spaces, when that yields exactly one cell per column;
 *   2. the column start positions of the header, or of an earlier row of the same print block;
 *   3. the command's own row pattern (anchored on hex ids), which needs no positions at all.
 * Every cell is validated; a row no strategy explains is an error, never a guess.
 */

export interface ColumnSpec {
  /** the header name, e.g. `PEER URLS` */
  name: string;
  /** the column may be missing from the header (older talosctl) */
  optional?: boolean;
  /** the cell may be blank */
  blank?: boolean;
  /** the cell, when not blank, must pass this */
  test?: (cell: string) => boolean;
}

export interface TableSpec {
  /** the talosctl command, for messages */
  command: string;
  /** every known column, in the order talosctl prints them */
  columns: readonly ColumnSpec[];
  /** reads a row without positions; returns cells by column name, or undefined if it does not match */
  matchRow?: (line: string, present: readonly string[]) => Record<string, string> | undefined;
}

export type Cells = Readonly<Record<string, string | undefined>>;

export interface TableRow {
  /** 1-based line in the output */
  line: number;
  cells: Cells;
  via: 'split' | 'layout' | 'pattern';
}

export interface Table {
  /** the column names present, in header order */
  header: string[];
  rows: TableRow[];
}

interface Span {
  text: string;
  start: number;
}

/** The cells of a line separated by runs of 2+ spaces, with their start positions. */
export function splitCells(line: string): Span[] {
  const spans: Span[] = [];
  const re = /\S+(?: \S+)*/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) spans.push({ text: m[0], start: m.index });
  return spans;
}

function cellOk(spec: ColumnSpec, cell: string, last: boolean): boolean {
  if (cell === '') return spec.blank === true;
  if (!last && /\s{2,}/.test(cell)) return false;
  return spec.test === undefined || spec.test(cell);
}

function byName(specs: readonly ColumnSpec[], names: readonly string[]): ColumnSpec[] {
  return names.map((n) => specs.find((s) => s.name === n) ?? { name: n });
}

function validate(specs: readonly ColumnSpec[], names: readonly string[], cells: readonly string[]): boolean {
  return specs.every((s, i) => cellOk(s, cells[i] ?? '', i === names.length - 1));
}

/** Cuts a line at the given column starts; undefined when a cut would fall inside a cell. */
function cutAt(line: string, starts: readonly number[]): string[] | undefined {
  const cells: string[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i] ?? 0;
    const end = starts[i + 1] ?? line.length;
    if (start > 0 && start < line.length && line[start - 1] !== ' ') return undefined;
    const slice = line.slice(start, Math.max(start, end));
    if (slice.length > 0 && slice[0] === ' ' && slice.trim() !== '') return undefined;
    cells.push(slice.trim());
  }
  return cells;
}

/** Parses the header line: names must be known, in order, with every required column present. */
function readHeader(spec: TableSpec, line: string): { names: string[]; starts: number[] } | string {
  const spans = splitCells(line);
  const names = spans.map((s) => s.text);
  const known = spec.columns.map((c) => c.name);
  let at = -1;
  for (const n of names) {
    const idx = known.indexOf(n);
    if (idx < 0) return `unknown column ${JSON.stringify(n)} in the header of ${spec.command}`;
    if (idx <= at) return `column ${JSON.stringify(n)} out of order in the header of ${spec.command}`;
    at = idx;
  }
  const missing = spec.columns.filter((c) => c.optional !== true && !names.includes(c.name)).map((c) => c.name);
  if (missing.length > 0) return `the header of ${spec.command} lacks ${missing.join(', ')}`;
  return { names, starts: spans.map((s) => s.start) };
}

/**
 * Parses a whole table output. Empty output (no header) is an empty table: talosctl ≤1.13 and
 * `alarm list` print no header when there are no rows.
 */
export function parseTable(spec: TableSpec, stdout: string): ParseResult<Table> {
  const lines = toLines(stdout);
  let i = lines.findIndex((l) => l.trim() !== '');
  if (i < 0) return parsed({ header: [], rows: [] });
  const header = readHeader(spec, lines[i] ?? '');
  if (typeof header === 'string') return parseFailure('bad-header', header, stdout, i + 1);
  const specs = byName(spec.columns, header.names);
  const layouts: number[][] = [header.starts];
  const rows: TableRow[] = [];
  for (i = i + 1; i < lines.length; i++) {
    const line = (lines[i] ?? '').trimEnd();
    if (line === '') continue;
    const row = readRow(spec, specs, header.names, layouts, line);
    if (row === undefined) {
      return parseFailure('bad-row', `${spec.command}: cannot read row: ${JSON.stringify(line)}`, stdout, i + 1);
    }
    rows.push({ line: i + 1, ...row });
  }
  return parsed({ header: header.names, rows });
}

function readRow(
  spec: TableSpec,
  specs: readonly ColumnSpec[],
  names: readonly string[],
  layouts: number[][],
  line: string,
): Omit<TableRow, 'line'> | undefined {
  const toCells = (cells: readonly string[]): Cells => Object.fromEntries(names.map((n, k) => [n, cells[k] ?? '']));
  const spans = splitCells(line);
  if (spans.length === names.length) {
    const cells = spans.map((s) => s.text);
    if (validate(specs, names, cells)) {
      const starts = spans.map((s) => s.start);
      if (layouts[0]?.join(',') !== starts.join(',')) layouts.unshift(starts);
      if (layouts.length > 8) layouts.length = 8;
      return { cells: toCells(cells), via: 'split' };
    }
  }
  for (const starts of layouts) {
    const cells = cutAt(line, starts);
    if (cells !== undefined && validate(specs, names, cells)) return { cells: toCells(cells), via: 'layout' };
  }
  const matched = spec.matchRow?.(line, names);
  if (matched !== undefined) {
    const cells = names.map((n) => matched[n] ?? '');
    if (validate(specs, names, cells)) return { cells: toCells(cells), via: 'pattern' };
  }
  return undefined;
}

/** Reads a cell that the header guarantees; '' when the column is absent. */
export function cell(cells: Cells, name: string): string {
  return cells[name] ?? '';
}

export const HEX16 = /^[0-9a-f]{16}$/;
export const isHex16 = (s: string): boolean => HEX16.test(s);
/** A member id as printed: 16 hex digits, or fewer (talosctl ≤ 1.2 printed FormatUint, no leading zeros). */
export const isMemberId = (s: string): boolean => /^[0-9a-f]{1,16}$/.test(s);
/** The 16-digit form every other output (and `remove-member`) uses. */
export const normalizeMemberId = (s: string): string => (isMemberId(s) ? s.padStart(16, '0') : s);
export const isBool = (s: string): boolean => s === 'true' || s === 'false';
export const isToken = (s: string): boolean => /^\S+$/.test(s);
export const isUint = (s: string): boolean => /^\d+$/.test(s);
