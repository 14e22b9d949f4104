import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import { compileCheck } from '../../../src/compile/steps/check.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/**
 * A check step. A precondition passes or stops the run (precondition-failed, whatever its
 * onFailure) — and "cannot tell" stops it too, after its retries; a choice branches on pass or
 * fail and takes neither branch on unknown; a postcondition passes or fails once; a wait (or a
 * postcondition with a timeout) polls, and at its timeout fails with its policy.
 */
const PARAMS = '  nodes: { type: nodes, description: n }\n';
const P = { nodes: ['10.0.0.1'] };
const WITH = 'with: { nodes: { ref: params.nodes } }';
const ENDS = `  - id: ok\n    end: { outcome: success, message: ok }\n  - id: other\n    end: { outcome: failed, message: other path }`;

describe('compileCheck: precondition', () => {
  const { compiled } = compileText(
    `  - id: pre\n    precondition: { check: leader-elected, ${WITH} }\n    retry: { attempts: 3, backoff: 1s }\n  - id: ok\n    end: { outcome: success, message: ok }`,
    PARAMS,
  );

  it('pass: on, asked once with its args and mode', async () => {
    const r = await drive(compiled, P);
    expect(r.inputs.check).toEqual([
      { stepId: 'pre', check: 'leader-elected', args: { nodes: ['10.0.0.1'] }, mode: 'precondition', poll: 0 },
    ]);
    expect(r.states).toEqual(['pre', 'ok']);
  });

  it('unknown: retried while attempts are left, then precondition-failed (never the pass branch)', async () => {
    const r = await drive(compiled, P, { check: () => ({ verdict: 'unknown' }) });
    expect(r.calls).toEqual(['check pre', 'check pre', 'check pre']);
    expect(r.states).toEqual(['pre', 'pre:retry', 'pre', 'pre:retry', 'pre', '@precondition-failed']);
    expect(r.output).toEqual({ outcome: 'precondition-failed', stepId: 'pre', message: 'leader-elected unknown' });
  });

  it('unknown then pass within the attempts: on', async () => {
    const r = await drive(compiled, P, { check: (_i, n) => ({ verdict: n < 2 ? 'unknown' : 'pass' }) });
    expect(r.output.outcome).toBe('success');
  });

  it('fail: precondition-failed after the retries, even with onFailure continue', async () => {
    const { compiled: goOn } = compileText(
      `  - id: pre\n    precondition: { check: leader-elected, ${WITH} }\n  - id: ok\n    end: { outcome: success, message: ok }`,
      PARAMS,
    );
    const r = await drive(goOn, P, { check: () => ({ verdict: 'fail' }) });
    expect(r.output.outcome).toBe('precondition-failed');
  });
});

describe('compileCheck: choice', () => {
  const MID = `  - id: mid\n    postcondition: { check: no-alarms, ${WITH} }\n`;
  const choice = (branches: string, onFailure = '', mid = MID) =>
    compileText(
      `  - id: pick\n    choice: { check: leader-elected, ${WITH}${branches} }\n${onFailure}${mid}${ENDS}`,
      PARAMS,
    ).compiled;

  it('pass → ifPass, fail → ifFail, each entered through its entry state', async () => {
    const c = choice(', ifPass: ok, ifFail: other', '', '');
    expect((await drive(c, P)).states).toEqual(['pick', 'ok']);
    expect((await drive(c, P, { check: () => ({ verdict: 'fail' }) })).states).toEqual(['pick', 'other']);
  });

  it('a missing branch goes on with the next step', async () => {
    const c = choice(', ifFail: other');
    expect((await drive(c, P)).states).toEqual(['pick', 'mid', 'ok']);
  });

  it('unknown takes neither branch: its onFailure (abort: the run fails; goto: there)', async () => {
    const abort = await drive(choice(', ifPass: ok, ifFail: other', '', ''), P, {
      check: () => ({ verdict: 'unknown' }),
    });
    expect(abort.states).toEqual(['pick', '@failed']);
    const goto = await drive(choice(', ifPass: ok, ifFail: mid', '    onFailure: { goto: other }\n'), P, {
      check: () => ({ verdict: 'unknown' }),
    });
    expect(goto.states).toEqual(['pick', 'other']);
  });
});

describe('compileCheck: postcondition and wait', () => {
  it('a postcondition without a timeout is asked once: pass on, fail by its policy', async () => {
    const { compiled } = compileText(
      `  - id: post\n    postcondition: { check: no-alarms, ${WITH} }\n    onFailure: { goto: other }\n${ENDS}`,
      PARAMS,
    );
    expect((await drive(compiled, P)).states).toEqual(['post', 'ok']);
    const f = await drive(compiled, P, { check: () => ({ verdict: 'fail' }) });
    expect(f.states).toEqual(['post', 'other']);
    expect(f.calls).toHaveLength(1);
  });

  it('a postcondition with a timeout polls like a wait', async () => {
    const { compiled } = compileText(
      `  - id: post\n    postcondition: { check: no-alarms, ${WITH}, timeout: 4s, interval: 1s }\n    onFailure: { goto: other }\n${ENDS}`,
      PARAMS,
    );
    const r = await drive(compiled, P, { check: (_i, n) => ({ verdict: n === 2 ? 'pass' : 'fail' }) });
    expect(r.inputs.check.map((i) => [i.mode, i.poll])).toEqual([
      ['postcondition', 0],
      ['postcondition', 1],
      ['postcondition', 2],
    ]);
    expect(r.states.at(-1)).toBe('ok');
  });

  it('a wait that times out fails with its policy, saying how long it waited; a later pass counts from poll 0', async () => {
    const { compiled } = compileText(
      `  - id: w\n    wait: { check: leader-elected, ${WITH}, timeout: 3s, interval: 1s }\n${ENDS.split('\n  - id: other')[0]}`,
      PARAMS,
    );
    const r = await drive(compiled, P, { check: () => ({ verdict: 'fail' }) }, 500);
    expect(r.output.outcome).toBe('failed');
    expect(r.output.stepId).toBe('w');
    expect(r.times.at(-1)).toBe(3000);
    // the poll count is reset when the loop is left: the run's context holds no count for it
    expect((r.context as { attempts: Record<string, number> }).attempts.w).toBeUndefined();
  });
});

describe('compileCheck: the states it adds', () => {
  const ONE_END = '  - id: ok\n    end: { outcome: success, message: ok }';
  const built = (steps: string) => {
    const { runbook } = compileText(steps, PARAMS);
    const b = startBuild(runbook);
    compileCheck(b, runbook.steps[0] as never, 'ok');
    return b;
  };

  it('a precondition: one check state; pass → next, unknown with no retry left → precondition-failed', () => {
    const b = built(
      `  - id: pre\n    precondition: { check: leader-elected, ${WITH} }\n    retry: { attempts: 2, backoff: 1s }\n${ONE_END}`,
    );
    expect(Object.keys(b.states)).toEqual(['pre', 'pre:retry']);
    expect(b.metas.pre?.role).toBe('check');
    expect(b.states.pre?.invoke?.onDone.map((t) => [t.target, t.guard])).toEqual([
      ['#ok', 'verdictPass'],
      ['#@precondition-failed', { type: 'verdictUnknownFinal', params: { stepId: 'pre', attempts: 2 } }],
      ['#pre:retry', { type: 'canRetry', params: { stepId: 'pre', attempts: 2 } }],
      ['#@precondition-failed', undefined],
    ]);
  });

  it('a choice: pass → ifPass, fail → ifFail, then its failures; it is never retried', () => {
    const b = built(`  - id: pick\n    choice: { check: leader-elected, ${WITH}, ifPass: other, ifFail: ok }\n${ENDS}`);
    expect(Object.keys(b.states)).toEqual(['pick']);
    expect(b.states.pick?.invoke?.onDone.map((t) => [t.target, t.guard])).toEqual([
      ['#other', 'verdictPass'],
      ['#ok', 'verdictFail'],
      ['#@failed', undefined],
    ]);
  });

  it('a wait: a poll loop whose timeout notes how long it waited and clears the poll count', () => {
    const b = built(`  - id: w\n    wait: { check: leader-elected, ${WITH}, timeout: 3s }\n${ONE_END}`);
    expect(Object.keys(b.states)).toEqual(['w']);
    expect(Object.keys(b.states.w?.states ?? {})).toEqual(['w:poll', 'w:sleep']);
    expect(b.states.w?.after?.['w:timeout']).toEqual([
      {
        target: '#@failed',
        actions: [
          { type: 'noteFailure', params: { stepId: 'w', timeoutMs: 3000 } },
          { type: 'resetAttempts', params: { stepId: 'w' } },
        ],
      },
    ]);
    const poll = b.states.w?.states?.['w:poll']?.invoke?.onDone ?? [];
    expect(poll[0]).toMatchObject({ guard: 'pollsExhausted', target: '#@failed' });
    expect(poll[1]).toMatchObject({ guard: 'verdictPass', target: '#ok' });
  });
});
