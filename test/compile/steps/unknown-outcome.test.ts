import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import type { RunTalosctlOutput } from '../../../src/compile/contract.js';
import { compileUnknown } from '../../../src/compile/steps/unknown-outcome.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/**
 * A change whose outcome is unknown is settled by states: `:reobserve` asks the done: check (or
 * the check right after the step); when it holds the step is done and NOT run again; when it
 * does not, a gated step runs again only after `:reapprove` (a fresh approval, then its recheck),
 * an ungated one through its own entry (its quorum check), and `otherwise: fail` takes onFailure.
 */
const PARAMS = '  node: { type: node, description: n }\n  nodes: { type: nodes, description: n }\n';
const P = { node: '10.0.0.1', nodes: ['10.0.0.1', '10.0.0.2'] };
const OK = `  - id: ok\n    end: { outcome: success, message: done }`;
const okRun = (): RunTalosctlOutput => ({ ok: true, results: [], captured: undefined });
const unknownFirst = (_i: unknown, n: number): RunTalosctlOutput =>
  n === 0 ? { ok: false, results: [], captured: undefined, unknown: 'crash' } : okRun();
const DONE = 'done: { check: member-absent, with: { nodes: { ref: params.nodes }, member: 0a1b2c3d4e5f6a7b }';
const gated = (done: string, tail = OK) =>
  compileText(
    `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n${done}${tail}`,
    PARAMS,
  ).compiled;

describe('compileUnknown: a gated step', () => {
  const asked = gated(`    ${DONE} }\n`);

  it('the done check holds: the step counts as done, is not run again, and its approval is consumed', async () => {
    const r = await drive(asked, P, { talosctl: unknownFirst });
    expect(r.states).toEqual(['c', 'rm:recheck', 'rm', 'rm:reobserve', 'ok']);
    expect(r.calls.filter((c) => c === 'talosctl rm')).toHaveLength(1);
    expect((r.context as { approval: unknown }).approval).toBeUndefined();
    expect(r.inputs.check[0]).toEqual({
      stepId: 'rm:reobserve',
      check: 'member-absent',
      args: { nodes: ['10.0.0.1', '10.0.0.2'], member: '0a1b2c3d4e5f6a7b' },
      mode: 'wait',
      poll: 0,
    });
  });

  it.each([
    'fail',
    'unknown',
  ] as const)('the done check says %s: a fresh approval of the step itself, then its recheck, then the command again', async (verdict) => {
    const r = await drive(asked, P, { talosctl: unknownFirst, check: () => ({ verdict }) });
    expect(r.states).toEqual(['c', 'rm:recheck', 'rm', 'rm:reobserve', 'rm:reapprove', 'rm:recheck', 'rm', 'ok']);
  });

  it('the re-approval declined: the command is not run again', async () => {
    const r = await drive(asked, P, {
      talosctl: unknownFirst,
      check: () => ({ verdict: 'fail' }),
      approve: (i) => ({ approved: i.stepId === 'c' }),
    });
    expect(r.calls.filter((c) => c === 'talosctl rm')).toHaveLength(1);
    expect(r.output.outcome).toBe('declined');
  });

  it('the done check errs or never answers (30 s): treated as not shown, never as done', async () => {
    const err = await drive(asked, P, {
      talosctl: unknownFirst,
      check: () => {
        throw new Error('read broke');
      },
    });
    expect(err.states).toContain('rm:reapprove');
    const hang = await drive(asked, P, { talosctl: unknownFirst, check: () => new Promise(() => undefined) });
    expect(hang.states.slice(3, 5)).toEqual(['rm:reobserve', 'rm:reapprove']);
    expect(hang.times[hang.states.indexOf('rm:reapprove')]).toBe(30_000);
  });

  it('otherwise: fail: no re-approval state exists; a done check that does not hold takes onFailure, saying why', async () => {
    const { compiled } = compileText(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n    onFailure: { goto: other }\n    ${DONE}, otherwise: fail }\n${OK}\n  - id: other\n    end: { outcome: failed, message: by the other path }`,
      PARAMS,
    );
    expect(Object.keys(compiled.states)).not.toContain('rm:reapprove');
    const r = await drive(compiled, P, { talosctl: unknownFirst, check: () => ({ verdict: 'fail' }) });
    expect(r.states).toEqual(['c', 'rm:recheck', 'rm', 'rm:reobserve', 'other']);
    expect(r.calls.filter((c) => c === 'talosctl rm')).toHaveLength(1);
  });

  it('otherwise: fail with an abort policy: the run fails with the reason', async () => {
    const { compiled } = compileText(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n    ${DONE}, otherwise: fail }\n${OK}`,
      PARAMS,
    );
    const r = await drive(compiled, P, { talosctl: unknownFirst, check: () => ({ verdict: 'fail' }) });
    expect(r.output).toEqual({
      outcome: 'failed',
      stepId: 'rm',
      message: 'outcome unknown and member-absent does not show it took effect',
    });
  });

  it('without done: the wait right after the step is the done check, asked once (not polled)', async () => {
    const compiled = gated(
      '',
      `  - id: gone\n    wait: { check: member-absent, with: { nodes: { ref: params.nodes }, member: 0a1b2c3d4e5f6a7b }, timeout: 1m }\n${OK}`,
    );
    const r = await drive(compiled, P, { talosctl: unknownFirst });
    expect(r.states.slice(0, 5)).toEqual(['c', 'rm:recheck', 'rm', 'rm:reobserve', 'gone:poll']);
    expect(r.inputs.check[0]).toMatchObject({ stepId: 'rm:reobserve', check: 'member-absent' });
  });

  it('without done and no check after it: straight to the fresh approval (nothing can show it took effect)', async () => {
    const r = await drive(gated(''), P, { talosctl: unknownFirst });
    expect(r.states).toEqual(['c', 'rm:recheck', 'rm', 'rm:reapprove', 'rm:recheck', 'rm', 'ok']);
    expect(r.calls).not.toContain('check rm:reobserve');
  });

  it('a polled done check: polls until it holds; at its timeout a fresh approval, keeping the last poll words', async () => {
    const compiled = gated(`    ${DONE}, timeout: 6s, interval: 2s }\n`);
    const pass = await drive(compiled, P, {
      talosctl: unknownFirst,
      check: (_i, n) => ({ verdict: n < 2 ? 'fail' : 'pass' }),
    });
    expect(pass.states).toEqual([
      'c',
      'rm:recheck',
      'rm',
      'rm:reobserve:poll',
      'rm:reobserve:sleep',
      'rm:reobserve:poll',
      'rm:reobserve:sleep',
      'rm:reobserve:poll',
      'ok',
    ]);
    const never = await drive(compiled, P, { talosctl: unknownFirst, check: () => ({ verdict: 'fail' }) });
    const i = never.states.indexOf('rm:reapprove');
    expect(never.times[i]).toBe(6000);
    expect(never.inputs.approve[1]?.prompt).toBe(
      'the previous attempt of rm may or may not have run, and nothing shows that it took effect (member-absent does not hold: member-absent fail): run it again?',
    );
  });
});

describe('compileUnknown: an ungated change', () => {
  it('a disruptive step whose done check does not hold runs again through its quorum check, with no approval', async () => {
    const { compiled } = compileText(
      `  - id: d\n    talosctl: [etcd, defrag]\n    node: { ref: params.node }\n    done: { check: db-in-use-ratio, with: { nodes: { ref: params.nodes }, min: 50 } }\n${OK}`,
      PARAMS,
    );
    expect(Object.keys(compiled.states)).not.toContain('d:reapprove');
    const r = await drive(compiled, P, {
      talosctl: unknownFirst,
      check: (i) => ({ verdict: i.stepId === 'd:reobserve' ? 'fail' : 'pass' }),
    });
    expect(r.states).toEqual(['d:quorum', 'd', 'd:reobserve', 'd:quorum', 'd', 'ok']);
    expect(r.calls.filter((c) => c.startsWith('ask'))).toEqual([]);
  });
});

describe('compileUnknown: the states it adds and the state it returns', () => {
  const built = (steps: string, id: string) => {
    const { runbook } = compileText(steps, PARAMS);
    const b = startBuild(runbook);
    const step = runbook.steps.find((s) => s.id === id);
    const to = compileUnknown(b, step as never, 'ok');
    return { b, to };
  };
  const RM = `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n`;

  it('gated, with a done check: :reobserve (pass → next, consuming the approval; otherwise → :reapprove) and :reapprove', () => {
    const { b, to } = built(`${RM}    ${DONE} }\n${OK}`, 'rm');
    expect(to).toBe('rm:reobserve');
    expect(Object.keys(b.states)).toEqual(['rm:reapprove', 'rm:reobserve']);
    const inv = b.states['rm:reobserve']?.invoke;
    expect(inv?.onDone.map((t) => [t.target, t.guard])).toEqual([
      ['#ok', 'verdictPass'],
      ['#rm:reapprove', undefined],
    ]);
    expect(inv?.onDone[0]?.actions?.map((a) => a.type)).toEqual(['resetAttempts', 'consumeApproval']);
    expect(inv?.onError.map((t) => t.target)).toEqual(['#rm:reapprove']);
    expect(b.states['rm:reobserve']?.after?.['rm:reobserve:timeout']?.map((t) => t.target)).toEqual(['#rm:reapprove']);
  });

  it('gated, nothing to re-observe: returns :reapprove itself', () => {
    const { b, to } = built(`${RM}${OK}`, 'rm');
    expect(to).toBe('rm:reapprove');
    expect(Object.keys(b.states)).toEqual(['rm:reapprove']);
  });

  it('ungated: nothing to re-observe returns the step entry (its quorum check); no :reapprove', () => {
    const { b, to } = built(`  - id: d\n    talosctl: [etcd, defrag]\n    node: { ref: params.node }\n${OK}`, 'd');
    expect(to).toBe('d:quorum');
    expect(Object.keys(b.states)).toEqual([]);
  });

  it('unresolvable done args make the check input empty (so it says "cannot tell"), never an error', () => {
    const { b } = built(
      `${RM}    done: { check: member-absent, with: { nodes: { ref: params.nodes }, member: { ref: params.member } } }\n${OK}`.replace(
        'member: { ref: params.member }',
        'member: 0a1b2c3d4e5f6a7b',
      ),
      'rm',
    );
    const input = b.states['rm:reobserve']?.invoke?.input({
      context: { params: {}, captures: {}, vars: {}, attempts: {} } as never,
    });
    expect(input).toEqual({ stepId: 'rm:reobserve', check: 'member-absent', args: {}, mode: 'wait', poll: 0 });
  });
});
