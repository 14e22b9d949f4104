import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TriageFlags } from '../../src/cli/commands/triage.js';
import { triageCommand } from '../../src/cli/triage-command.js';
import { isTalosDrError, type TalosDrError } from '../../src/io/errors.js';
import { tempTarget } from '../backup/maintenance-cli.js';
import { captureContext } from '../helpers/cli-in-process.js';

/**
 * `triage` over recorded cluster states (fixtures/triage/, see its SOURCE.md: talosctl output
 * recorded from the lab or derived from it), replayed: the verdict's exit code, the text or
 * JSON, the connection flags carried into the recommended command, and the refusals.
 */

const FIX = (name: string) => resolve('fixtures/triage', `${name}.json`);

async function refusal(f: () => unknown): Promise<TalosDrError> {
  try {
    await f();
  } catch (e) {
    if (isTalosDrError(e)) return e;
    throw e;
  }
  throw new Error('accepted, expected a refusal');
}

const triage = async (f: Partial<TriageFlags>, cwd?: string) => {
  const c = captureContext({ env: { TALOSCTL: '/nonexistent/talosctl' }, ...(cwd ? { cwd } : {}) });
  const code = await triageCommand({ param: [], ...f }, c.ctx);
  return { code, stdout: c.out(), stderr: c.err() };
};

describe('triageCommand --replay', () => {
  it.each([
    ['healthy', 0, 'HEALTHY: '],
    ['nospace', 1, 'DEGRADED: etcd is out of space'],
    ['derived-no-answer', 4, 'CANNOT TELL: no node answered'],
  ])('%s: exit %i, %s', async (fixture, code, head) => {
    const r = await triage({ replay: FIX(fixture) });
    expect(r.code).toBe(code);
    expect(r.stdout.startsWith(head)).toBe(true);
  });

  it('recommends the runbook with the nodes of the recording and the connection flags given', async () => {
    const r = await triage({ replay: FIX('nospace'), json: true, talosctl: '/opt/t', endpoints: '10.0.0.2, 10.0.0.3' });
    const j = JSON.parse(r.stdout) as { recommendation: { argv: string[] }; nodes: string[]; tookMs?: number | null };
    expect(j.nodes).toEqual(['127.0.0.81', '127.0.0.82', '127.0.0.83']);
    expect(j.recommendation.argv).toEqual([
      'run',
      'nospace-recovery',
      '--param',
      'nodes=127.0.0.81,127.0.0.82,127.0.0.83',
      '--talosctl',
      '/opt/t',
      '--endpoints',
      '10.0.0.2,10.0.0.3',
    ]);
    // a replay took no time of ours to read: no tookMs
    expect(j.tookMs ?? null).toBeNull();
  });

  it('decides for the nodes given by --param rather than the recording’s', async () => {
    const r = await triage({ replay: FIX('nospace'), json: true, param: ['nodes=127.0.0.81'] });
    expect((JSON.parse(r.stdout) as { nodes: string[] }).nodes).toEqual(['127.0.0.81']);
  });

  it('reads a relative --replay from the working directory', async () => {
    const r = await triage({ replay: 'healthy.json' }, resolve('fixtures/triage'));
    expect(r.code).toBe(0);
  });

  it('refuses a recording that is not there, naming it as typed', async () => {
    const e = await refusal(() => triage({ replay: 'nope.json' }));
    expect([e.code, e.message]).toEqual(['TDR_FILE_NOT_FOUND', 'nope.json: no such file']);
  });

  it('refuses a file that is not a recording', async () => {
    const { dir } = tempTarget();
    writeFileSync(join(dir, 'x.json'), '{"format": 99}');
    const e = await refusal(() => triage({ replay: 'x.json' }, dir));
    expect(e.code).toBe('TDR_TRIAGE_RECORDING_BAD');
    expect(e.message).toContain('x.json');
  });

  it('refuses a bad flag before reading the recording', async () => {
    const e = await refusal(() => triage({ replay: 'nope.json', window: '1h' }));
    expect(e.message).toBe('--window "1h": a duration from 500ms to 5m, e.g. 3s');
  });
});

describe('triageCommand live', () => {
  it('refuses to read a cluster without nodes, before starting talosctl', async () => {
    const e = await refusal(() => triage({}));
    expect([e.code, e.exitCode]).toEqual(['TDR_TRIAGE_NO_NODES', 2]);
  });
});
