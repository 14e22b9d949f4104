import { describe, expect, it } from 'vitest';
import { planCommand } from '../../src/cli/plan-command.js';
import { isTalosDrError, type TalosDrError } from '../../src/io/errors.js';
import { captureContext } from '../helpers/cli-in-process.js';
import { INVALID_RUNBOOK } from '../helpers/runbook-dir.js';

/**
 * `plan` without --live-reads: the params as a run would take them (defaults applied, each bad one
 * refused naming --param) and every step's argv with those values; nothing is run.
 */

async function refusal(f: () => unknown): Promise<TalosDrError> {
  try {
    await f();
  } catch (e) {
    if (isTalosDrError(e)) return e;
    throw e;
  }
  throw new Error('accepted, expected a refusal');
}

const plan = async (file: string, param: string[], json = false) => {
  const c = captureContext();
  const code = await planCommand(file, { param, ...(json ? { json } : {}) }, c.ctx);
  return { code, stdout: c.out(), stderr: c.err() };
};

describe('planCommand', () => {
  it('prints each step with the talosctl argv of the nodes given, and says nothing is changed', async () => {
    const r = await plan('health-check', ['nodes=127.0.0.11,127.0.0.12']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Plan of health-check: Check etcd health (nothing is changed)');
    expect(lines[1]).toBe('members [read]: talosctl -n 127.0.0.11,127.0.0.12 etcd members (timeout 10s)');
  });

  it('--json gives the params with their defaults and each step’s argv', async () => {
    const r = await plan('health-check', ['nodes=127.0.0.11', 'members=5'], true);
    const j = JSON.parse(r.stdout) as { runbook: string; params: object; steps: { id: string; argv?: string[] }[] };
    expect(j.runbook).toBe('health-check');
    expect(j.params).toEqual({ nodes: ['127.0.0.11'], members: 5, maxSpread: 100 });
    expect(j.steps[0]).toMatchObject({ id: 'members', argv: ['-n', '127.0.0.11', 'etcd', 'members'] });
  });

  it('refuses an unknown param, naming --param and the params the runbook has', async () => {
    const e = await refusal(() => plan('health-check', ['nodes=127.0.0.11', 'node=127.0.0.11']));
    expect([e.code, e.exitCode]).toEqual(['TDR_BAD_PARAM', 2]);
    expect(e.message).toBe(
      '--param "node=127.0.0.11": this runbook has no param "node" (params: nodes, members, maxSpread)',
    );
  });

  it('refuses a missing required param and a bad value', async () => {
    expect((await refusal(() => plan('health-check', []))).code).toBe('TDR_MISSING_PARAM');
    const e = await refusal(() => plan('health-check', ['nodes=127.0.0.11;reboot']));
    expect(e.message.startsWith('--param "nodes=127.0.0.11;reboot": ')).toBe(true);
  });

  it('exits 2 on an invalid runbook, before reading params', async () => {
    const r = await plan(INVALID_RUNBOOK, ['whatever=1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});
