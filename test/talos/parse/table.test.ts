import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  cell,
  isBool,
  isHex16,
  isMemberId,
  isToken,
  isUint,
  normalizeMemberId,
  parseTable,
  splitCells,
  type TableSpec,
} from '../../../src/talos/parse/table.js';

/**
 * talosctl's tabwriter tables: columns located by the header, cells with single spaces or blank,
 * rows read by split, then by a known layout, then by the command's row pattern; a row no
 * strategy explains is an error. The spec below is a members-like table written for this test;
 * the realigned rows are talosctl v1.14's (fixtures/talosctl/v1.14/members/realigned-rows/).
 */

const isUrl = (s: string) => /^https:\/\/\S+$/.test(s);
const SPEC: TableSpec = {
  command: 'etcd members',
  columns: [
    { name: 'NODE', optional: true, test: isToken },
    { name: 'ID', test: isMemberId },
    { name: 'HOSTNAME', blank: true, test: isToken },
    { name: 'PEER URLS', test: isUrl },
    { name: 'CLIENT URLS', blank: true, test: isUrl },
    { name: 'LEARNER', optional: true, test: isBool },
  ],
};
const SMALL: TableSpec = {
  command: 'small',
  columns: [
    { name: 'ID', test: isHex16 },
    { name: 'HOSTNAME', blank: true, test: isToken },
    { name: 'LEARNER', test: isBool },
  ],
  matchRow: (line) => {
    const m = /^([0-9a-f]{16})\s+(true|false)$/.exec(line);
    return m ? { ID: m[1] ?? '', LEARNER: m[2] ?? '' } : undefined;
  },
};
const fixture = (rel: string) =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/talosctl/v1.14/${rel}`, import.meta.url)), 'utf8');

describe('splitCells', () => {
  it('splits on runs of 2+ spaces, keeping single spaces inside a cell, with start positions', () => {
    expect(splitCells('NODE   PEER URLS  4.5 MB')).toEqual([
      { text: 'NODE', start: 0 },
      { text: 'PEER URLS', start: 7 },
      { text: '4.5 MB', start: 18 },
    ]);
    expect(splitCells('  a')).toEqual([{ text: 'a', start: 2 }]);
    expect(splitCells('')).toEqual([]);
  });
});

describe('parseTable: the header', () => {
  it('no output at all is an empty table (talosctl prints no header when there are no rows)', () => {
    expect(parseTable(SPEC, '')).toEqual({ ok: true, value: { header: [], rows: [] } });
    expect(parseTable(SPEC, '\n \n')).toEqual({ ok: true, value: { header: [], rows: [] } });
  });

  it('a header alone is a table with no rows; optional columns may be missing', () => {
    expect(parseTable(SPEC, 'ID   HOSTNAME   PEER URLS   CLIENT URLS\n')).toEqual({
      ok: true,
      value: { header: ['ID', 'HOSTNAME', 'PEER URLS', 'CLIENT URLS'], rows: [] },
    });
  });

  it('an unknown column, one out of order, or a required one missing is a bad header, with its line', () => {
    expect(parseTable(SPEC, fixture('members/unknown-column/stdout.txt'))).toMatchObject({
      ok: false,
      error: { code: 'bad-header', message: 'unknown column "EXTRA" in the header of etcd members', line: 1 },
    });
    expect(parseTable(SPEC, '\nHOSTNAME   ID   PEER URLS   CLIENT URLS\n')).toMatchObject({
      ok: false,
      error: { code: 'bad-header', message: 'column "ID" out of order in the header of etcd members', line: 2 },
    });
    expect(parseTable(SPEC, 'NODE   ID   HOSTNAME\n')).toMatchObject({
      ok: false,
      error: { code: 'bad-header', message: 'the header of etcd members lacks PEER URLS, CLIENT URLS', line: 1 },
    });
  });

  it('a repeated column is out of order', () => {
    expect(parseTable(SPEC, 'ID   ID   HOSTNAME   PEER URLS   CLIENT URLS\n')).toMatchObject({
      ok: false,
      error: { message: 'column "ID" out of order in the header of etcd members' },
    });
  });
});

describe('parseTable: rows', () => {
  it('splits aligned rows, with 1-based lines counting blank ones', () => {
    const out = 'ID                 HOSTNAME   LEARNER\n\na49c021e76e707db   cp-1       false\n';
    expect(parseTable(SMALL, out)).toEqual({
      ok: true,
      value: {
        header: ['ID', 'HOSTNAME', 'LEARNER'],
        rows: [{ line: 3, cells: { ID: 'a49c021e76e707db', HOSTNAME: 'cp-1', LEARNER: 'false' }, via: 'split' }],
      },
    });
  });

  it('a blank cell is read by the layout of an earlier row (talosctl v1.14 realigned rows)', () => {
    const r = parseTable(SPEC, fixture('members/realigned-rows/stdout.txt'));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.rows.map((x) => [x.line, x.via])).toEqual([
      [2, 'split'],
      [3, 'layout'],
      [4, 'split'],
    ]);
    expect(r.value.rows[1]?.cells).toEqual({
      NODE: '10.5.0.2',
      ID: 'f3e2d1c0b9a89776',
      HOSTNAME: '',
      'PEER URLS': 'https://10.5.0.4:2380',
      'CLIENT URLS': '',
      LEARNER: 'false',
    });
  });

  it("a row no layout explains is read by the command's row pattern", () => {
    const out = 'ID                 HOSTNAME   LEARNER\na49c021e76e707db   false\n';
    expect(parseTable(SMALL, out)).toMatchObject({
      ok: true,
      value: { rows: [{ line: 2, cells: { ID: 'a49c021e76e707db', HOSTNAME: '', LEARNER: 'false' }, via: 'pattern' }] },
    });
  });

  it('a row nothing explains is a bad row, quoted, with its line (fixtures/talosctl/v1.14/members/garbage-row)', () => {
    expect(parseTable(SPEC, fixture('members/garbage-row/stdout.txt'))).toMatchObject({
      ok: false,
      error: { code: 'bad-row', message: 'etcd members: cannot read row: "this is not a member row"', line: 2 },
    });
  });

  it('every cell is validated: a required blank or a failing cell is never accepted', () => {
    // LEARNER must not be blank, and "maybe" is not a bool
    expect(parseTable(SMALL, 'ID                 HOSTNAME   LEARNER\na49c021e76e707db   cp-1\n')).toMatchObject({
      ok: false,
      error: { code: 'bad-row' },
    });
    expect(
      parseTable(SMALL, 'ID                 HOSTNAME   LEARNER\na49c021e76e707db   cp-1       maybe\n'),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad-row', line: 2 },
    });
    // an id of 15 digits is no HEX16
    expect(parseTable(SMALL, 'ID                HOSTNAME   LEARNER\na49c021e76e707d   cp-1       true\n').ok).toBe(
      false,
    );
  });

  it('a pattern match must pass validation too', () => {
    const loose: TableSpec = { ...SMALL, matchRow: () => ({ ID: 'not-hex', LEARNER: 'false' }) };
    expect(parseTable(loose, 'ID                 HOSTNAME   LEARNER\nsomething else\n')).toMatchObject({
      ok: false,
      error: { code: 'bad-row' },
    });
  });
});

describe('cell and the cell tests', () => {
  it('cell is the value, or empty when the column is absent', () => {
    expect(cell({ ID: 'a' }, 'ID')).toBe('a');
    expect(cell({ ID: 'a' }, 'LEARNER')).toBe('');
  });

  it('member ids: 1 to 16 lower-case hex digits (talosctl ≤ 1.2 printed no leading zeros)', () => {
    expect(isMemberId('a49c021e76e707db')).toBe(true);
    expect(isMemberId('7db')).toBe(true);
    expect(isMemberId('a49c021e76e707db0')).toBe(false);
    expect(isMemberId('A49C')).toBe(false);
    expect(isMemberId('')).toBe(false);
    expect(isHex16('a49c021e76e707db')).toBe(true);
    expect(isHex16('7db')).toBe(false);
  });

  it('normalizeMemberId pads a short id to 16 digits and leaves anything else alone', () => {
    expect(normalizeMemberId('7db')).toBe('00000000000007db');
    expect(normalizeMemberId('a49c021e76e707db')).toBe('a49c021e76e707db');
    expect(normalizeMemberId('xyz')).toBe('xyz');
    expect(normalizeMemberId('18170020383193692139')).toBe('18170020383193692139');
  });

  it('bools, tokens and unsigned integers', () => {
    expect([isBool('true'), isBool('false'), isBool('True'), isBool('1')]).toEqual([true, true, false, false]);
    expect([isToken('cp-1'), isToken('cp 1'), isToken('')]).toEqual([true, false, false]);
    expect([isUint('0'), isUint('8610'), isUint('-1'), isUint('1.5'), isUint('')]).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
