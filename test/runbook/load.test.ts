import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/runbook/load.js';
import { parseDuration, validateArgvValue, validateParamValue } from '../../src/runbook/params.js';
import { resolveArgv } from '../../src/runbook/refs.js';

const valid = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: x, title: X }
params:
  nodes: { type: nodes, description: n }
steps:
  - id: a
    talosctl: [etcd, status]
    nodes: { ref: params.nodes }
`;

describe('parseRunbook', () => {
  it('normalizes defaults in one place', () => {
    const r = parseRunbook(valid, 'x.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [step] = r.runbook.steps;
    expect(step).toMatchObject({
      kind: 'talosctl',
      effect: 'read',
      subcommand: 'etcd status',
      timeoutMs: 10_000, // a read: DEFAULTS.readTimeoutMs (a change gets 120 s)
      retry: { attempts: 1, backoffMs: 5000, factor: 2, maxBackoffMs: 300_000 },
      onFailure: { kind: 'abort' },
    });
    expect(r.locations).toEqual({ a: { line: 7, col: 5 } });
  });

  it('refuses a file over 1 MiB with RB1001 without parsing it', () => {
    const r = parseRunbook(`${valid}#${'x'.repeat(1_048_576)}\n`, 'big.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.line}:${e.col} ${e.code}`)).toEqual(['1:1 RB1001']);
  });

  it('reports every problem at once', () => {
    const text = valid.replace('title: X', 'title: X, extra: 1').replace('[etcd, status]', 'etcd status');
    const r = parseRunbook(text, 'x.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.code)).toEqual(['RB1102', 'RB1203']);
  });
});

describe('values that reach argv', () => {
  it('accepts typed values and refuses flags, control characters and wrong types', () => {
    expect(validateArgvValue('memberId', '0a1b2c3d4e5f6a7b')).toEqual({ ok: true, value: '0a1b2c3d4e5f6a7b' });
    expect(validateArgvValue('memberId', '0A1B')).toMatchObject({ ok: false });
    expect(validateArgvValue('node', '10.0.0.1')).toMatchObject({ ok: true });
    expect(validateArgvValue('node', '--force')).toMatchObject({
      ok: false,
      reason: 'starts with "-" and would read as a flag',
    });
    expect(validateArgvValue('path', './snap\nshot')).toMatchObject({
      ok: false,
      reason: 'contains a control character',
    });
    expect(validateArgvValue('path', '-rf')).toMatchObject({ ok: false });
    // found by the reliability campaign: a path climbing out with .. or holding shell characters
    for (const p of ['../../etc/passwd', '/var/lib/../../x', 'a\\..\\b', '/tmp/s;rm -rf /', '/tmp/$(id)', '/tmp/`id`'])
      expect(validateParamValue('path', p), p).toMatchObject({ ok: false });
    for (const p of ['./etcd.snapshot', '/var/backups/etcd-2026-11-24.db', 'snap..db', '/tmp/a b/..hidden'])
      expect(validateParamValue('path', p), p).toMatchObject({ ok: true });
    expect(validateArgvValue('nodes', ['10.0.0.1'])).toMatchObject({ ok: false });
  });

  it('resolves refs in argv and validates each by its type', () => {
    const scope = { params: {}, captures: { lost: { member: '0a1b2c3d4e5f6a7b' } }, vars: {} };
    expect(
      resolveArgv(['etcd', 'remove-member', { ref: 'lost.member' }], [undefined, undefined, 'memberId'], scope),
    ).toEqual({
      ok: true,
      value: ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'],
    });
    const evil = { ...scope, captures: { lost: { member: '--all' } } };
    expect(
      resolveArgv(['etcd', 'remove-member', { ref: 'lost.member' }], [undefined, undefined, 'memberId'], evil),
    ).toMatchObject({
      ok: false,
    });
  });

  it('parses --param values by type', () => {
    expect(validateParamValue('nodes', '10.0.0.1, 10.0.0.2')).toEqual({ ok: true, value: ['10.0.0.1', '10.0.0.2'] });
    expect(validateParamValue('percent', '101')).toMatchObject({ ok: false });
    expect(validateParamValue('boolean', 'yes')).toMatchObject({ ok: false });
    expect(validateParamValue('enum', 'b', ['a', 'b'])).toEqual({ ok: true, value: 'b' });
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('5 minutes')).toBeUndefined();
  });
});
