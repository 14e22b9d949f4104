import { describe, expect, it } from 'vitest';
import { DEFAULT_READ_TIMEOUT, DEFAULT_WINDOW } from '../../src/cli/read-flag-defaults.js';
import {
  durationFlag,
  parseMaxLag,
  parseQuota,
  parseReadFlags,
  parseTriageParams,
} from '../../src/cli/triage-flags.js';
import { isTalosDrError, type TalosDrError } from '../../src/io/errors.js';

/**
 * The flags triage and watch share, refused before the cluster is asked anything: each bad value
 * is TDR_BAD_PARAM naming its flag (exit 2), each good one parsed to the number the reads use.
 */

function refusal(f: () => unknown): TalosDrError {
  try {
    f();
  } catch (e) {
    if (isTalosDrError(e)) return e;
    throw e;
  }
  throw new Error('accepted, expected a refusal');
}

const MiB = 1024 ** 2;

describe('durationFlag', () => {
  it('parses a duration inside the range, both ends included', () => {
    expect(durationFlag('--window', '500ms', 500, 300_000, '500ms to 5m')).toBe(500);
    expect(durationFlag('--window', '5m', 500, 300_000, '500ms to 5m')).toBe(300_000);
    expect(durationFlag('--window', '1m30s', 500, 300_000, '500ms to 5m')).toBe(90_000);
  });

  it.each([
    '499ms',
    '5m1ms',
    '0',
    '0s',
    '-3s',
    '1.5s',
    '30x',
    '3 s',
    '',
    's',
    '9999999h',
  ])('refuses %j naming the flag and the range', (text) => {
    const e = refusal(() => durationFlag('--every', text, 500, 300_000, '500ms to 5m'));
    expect(e.code).toBe('TDR_BAD_PARAM');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`--every ${JSON.stringify(text)}: a duration from 500ms to 5m, e.g. 3s`);
  });
});

describe('parseQuota', () => {
  it('reads bytes, decimal and binary units, a space before the unit', () => {
    expect(parseQuota('1048576')).toBe(MiB);
    expect(parseQuota('32MiB')).toBe(32 * MiB);
    expect(parseQuota('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseQuota('8GB')).toBe(8e9);
    expect(parseQuota('1.5MiB')).toBe(1.5 * MiB);
    expect(parseQuota(' 2 GiB ')).toBe(2 * 1024 ** 3);
    expect(parseQuota('1TiB')).toBe(1024 ** 4);
    expect(parseQuota('2000kB')).toBe(2e6);
  });

  it('takes exactly 1MiB and refuses one byte less', () => {
    expect(parseQuota('1MiB')).toBe(MiB);
    expect(refusal(() => parseQuota(String(MiB - 1))).code).toBe('TDR_BAD_PARAM');
    expect(refusal(() => parseQuota('1MB')).message).toBe(
      '--quota "1MB": a size of at least 1MiB: bytes, or with a unit (32MiB, 2GiB, 8GB)',
    );
  });

  it.each(['0', '-1', '32mib', '32 XB', 'GiB', '', '1e9', '0x100000', '9'.repeat(400)])('refuses %j', (text) => {
    const e = refusal(() => parseQuota(text));
    expect(e.message.startsWith(`--quota ${JSON.stringify(text)}: `)).toBe(true);
    expect(e.exitCode).toBe(2);
  });
});

describe('parseMaxLag', () => {
  it('reads a whole number of raft entries, zero included, spaces trimmed', () => {
    expect(parseMaxLag('100')).toBe(100);
    expect(parseMaxLag('0')).toBe(0);
    expect(parseMaxLag(' 7 ')).toBe(7);
  });

  it.each(['-1', '1.5', '30x', '', '1e3'])('refuses %j naming --max-lag', (text) => {
    expect(refusal(() => parseMaxLag(text)).message).toBe(
      `--max-lag ${JSON.stringify(text)}: a whole number of raft entries, e.g. 100`,
    );
  });
});

describe('parseTriageParams', () => {
  it('gives nothing for no params: nodes may come from a recording', () => {
    expect(parseTriageParams([])).toEqual({});
  });

  it('reads nodes and members', () => {
    expect(parseTriageParams(['nodes=127.0.0.11,127.0.0.12', 'members=3'])).toEqual({
      nodes: ['127.0.0.11', '127.0.0.12'],
      members: 3,
    });
    expect(parseTriageParams(['members=5'])).toEqual({ members: 5 });
  });

  it.each([
    'node=127.0.0.11',
    'nodes',
    '=127.0.0.11',
    'Nodes=127.0.0.11',
    'window=3s',
  ])('refuses the unknown param %j, listing the two it takes', (text) => {
    expect(refusal(() => parseTriageParams(['members=3', text])).message).toBe(
      `--param ${JSON.stringify(text)}: triage takes nodes=<address,…> and members=<n> (nodes, members)`,
    );
  });

  it.each([
    ['members=0', 'must be ≥ 1'],
    ['nodes=', 'is not a list of node addresses'],
    ['nodes=127.0.0.11,-rf', ''],
    ['members=1.5', ''],
  ])('refuses the bad value %j under --param', (text, reason) => {
    const e = refusal(() => parseTriageParams([text]));
    expect(e.code).toBe('TDR_BAD_PARAM');
    expect(e.message).toContain(`--param ${JSON.stringify(text)}: `);
    expect(e.message).toContain(reason);
  });
});

describe('parseReadFlags', () => {
  it('applies the documented defaults: 3s window, 5s reads, a 2GiB quota, lag 100', () => {
    expect(DEFAULT_WINDOW).toBe('3s');
    expect(DEFAULT_READ_TIMEOUT).toBe('5s');
    const p = parseReadFlags({ param: ['nodes=127.0.0.11'] });
    expect(p).toEqual({
      options: { nodes: ['127.0.0.11'], quotaBytes: 2 * 1024 ** 3, maxLag: 100 },
      windowMs: 3000,
      readTimeoutMs: 5000,
      connection: [],
      endpoints: [],
    });
  });

  it('leaves nodes undefined (not empty) when none are given', () => {
    expect(parseReadFlags({ param: [] }).options.nodes).toBeUndefined();
  });

  it('passes the connection on as the argv of a recommended run, endpoints trimmed and empty ones dropped', () => {
    const p = parseReadFlags({
      param: ['nodes=127.0.0.11', 'members=3'],
      talosctl: '/opt/talosctl',
      talosconfig: 'tc.yaml',
      context: 'prod',
      endpoints: ' 10.0.0.2 ,,10.0.0.3,',
      quota: '32MiB',
      maxLag: '5',
      window: '1s',
      readTimeout: '10m',
    });
    expect(p.endpoints).toEqual(['10.0.0.2', '10.0.0.3']);
    expect(p.connection).toEqual([
      '--talosctl',
      '/opt/talosctl',
      '--talosconfig',
      'tc.yaml',
      '--context',
      'prod',
      '--endpoints',
      '10.0.0.2,10.0.0.3',
    ]);
    expect(p.options).toEqual({ nodes: ['127.0.0.11'], members: 3, quotaBytes: 32 * MiB, maxLag: 5 });
    expect([p.windowMs, p.readTimeoutMs]).toEqual([1000, 600_000]);
  });

  it('gives no --endpoints when the list holds only commas', () => {
    expect(parseReadFlags({ param: [], endpoints: ' , ' }).connection).toEqual([]);
  });

  it.each([
    [{ window: '400ms' }, '--window "400ms": a duration from 500ms to 5m, e.g. 3s'],
    [{ window: '5m1s' }, '--window "5m1s": a duration from 500ms to 5m, e.g. 3s'],
    [{ readTimeout: '10m1s' }, '--read-timeout "10m1s": a duration from 500ms to 10m, e.g. 3s'],
    [{ readTimeout: '0' }, '--read-timeout "0": a duration from 500ms to 10m, e.g. 3s'],
    [{ maxLag: 'lots' }, '--max-lag "lots": a whole number of raft entries, e.g. 100'],
  ])('refuses %j naming its flag', (flags, message) => {
    expect(refusal(() => parseReadFlags({ param: [], ...flags })).message).toBe(message);
  });

  it('takes the read bounds at exactly their limits', () => {
    const p = parseReadFlags({ param: [], window: '500ms', readTimeout: '500ms' });
    expect([p.windowMs, p.readTimeoutMs]).toEqual([500, 500]);
  });
});
