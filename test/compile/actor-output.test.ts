import { describe, expect, it } from 'vitest';
import { outputOf } from '../../src/compile/actor-output.js';
import { failureReason } from '../../src/compile/context-updates.js';
import type { RunContext } from '../../src/compile/contract.js';
import { GUARDS } from '../../src/compile/guards.js';

const context: RunContext = {
  params: {},
  captures: {},
  vars: {},
  loops: {},
  attempts: {},
  lastFailure: undefined,
  approval: undefined,
};
const done = (output: unknown) => ({ type: 'xstate.done.actor.0.runbook.s', output });

describe('outputOf', () => {
  it('reads a done event as the named actor’s output, and nothing from other events', () => {
    expect(outputOf<'runTalosctl'>(done({ ok: true, results: [], captured: undefined }))?.ok).toBe(true);
    expect(outputOf<'evaluateCheck'>({ type: 'xstate.after.s:timeout' })).toBeUndefined();
    expect(outputOf<'evaluateCheck'>({ type: 'xstate.error.actor.s', error: new Error('x') })).toBeUndefined();
    // a broken actor's output that is not an object reads as none, so a guard says no
    expect(outputOf<'evaluateCheck'>(done(null))).toBeUndefined();
    expect(outputOf<'evaluateCheck'>(done('pass'))).toBeUndefined();
  });

  it('types each actor’s fields: a guard cannot read another actor’s', () => {
    const event = done({ verdict: 'pass', observed: {}, description: 'd' });
    // @ts-expect-error a check's output has no `ok` (that is runTalosctl's)
    expect(outputOf<'evaluateCheck'>(event)?.ok).toBeUndefined();
    // @ts-expect-error `noRetry` is not on every output a failure transition can take
    expect(outputOf<'runTalosctl' | 'evaluateCheck'>(event)?.noRetry).toBeUndefined();
    expect(outputOf<'evaluateCheck'>(event)?.verdict).toBe('pass');
  });
});

describe('guards on events without an output', () => {
  it('answer no (a retry is still allowed: nothing said it cannot mend)', () => {
    const after = { type: 'xstate.after.s:timeout' };
    expect(GUARDS.ok({ context, event: after })).toBe(false);
    expect(GUARDS.verdictPass({ context, event: after })).toBe(false);
    expect(GUARDS.canRetry({ context, event: after }, { stepId: 's', attempts: 2 })).toBe(true);
    expect(
      GUARDS.canRetry(
        { context, event: done({ ok: false, results: [], captured: undefined, noRetry: 'a certificate problem' }) },
        { stepId: 's', attempts: 2 },
      ),
    ).toBe(false);
  });
});

describe('failureReason', () => {
  it('says what the check saw, or which nodes failed, or why the event ended the step', () => {
    expect(failureReason(done({ verdict: 'fail', observed: {}, description: 'member 0a1b is a learner' }))).toBe(
      'member 0a1b is a learner',
    );
    const results = [
      { node: '10.0.0.1', ok: true, exitCode: 0, summary: 'ok' },
      { node: '10.0.0.2', ok: false, exitCode: 1, summary: 'exit 1: etcdserver: no leader' },
    ];
    expect(failureReason(done({ ok: false, results, captured: undefined }))).toBe(
      '10.0.0.2: exit 1: etcdserver: no leader',
    );
    expect(failureReason({ type: 'xstate.after.s:timeout' })).toBe('timed out');
    expect(failureReason({ type: 'xstate.error.actor.s', error: new Error('spawn ENOENT') })).toBe('spawn ENOENT');
    expect(failureReason(done({ unchanged: false, detail: 'the leader moved' }))).toBe('failed');
  });
});
