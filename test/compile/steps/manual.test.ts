import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import { compileManual } from '../../../src/compile/steps/manual.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/**
 * A manual step waits for the operator: done goes on, no terminal stops at the gate (exit 3,
 * resumable), giving up aborts, and a broken prompt fails the run. Each with the reason noted.
 */
const { compiled } = compileText(
  `  - id: power\n    manual: { instructions: Power the node back on, prompt: Is it on? }\n  - id: after\n    end: { outcome: success, message: on }`,
);
const P = { nodes: ['10.0.0.1'] };

describe('compileManual', () => {
  it('done: on to the next step', async () => {
    const r = await drive(compiled, P, { manual: () => ({ done: true }) });
    expect(r.states).toEqual(['power', 'after']);
    expect(r.output.outcome).toBe('success');
  });

  it('no terminal: stopped at the gate, saying why', async () => {
    const r = await drive(compiled, P, { manual: () => ({ done: false, stopped: true }) });
    expect(r.output).toEqual({
      outcome: 'stopped-at-gate',
      stepId: 'power',
      message: 'no terminal to confirm the manual step',
    });
  });

  it('the operator gave up (not done, not stopped): aborted', async () => {
    const r = await drive(compiled, P, { manual: () => ({ done: false }) });
    expect(r.output).toEqual({
      outcome: 'aborted',
      stepId: 'power',
      message: 'the operator did not finish the manual step',
    });
  });

  it('the prompt itself failed: the run fails at the step (never counted as done)', async () => {
    const r = await drive(compiled, P, { manual: () => new Error('tty closed') });
    expect(r.output.outcome).toBe('failed');
    expect(r.output.stepId).toBe('power');
  });

  it('the actor is asked with the step id, its instructions and its prompt', () => {
    const invoke = (compiled.machine.config.states as Record<string, { invoke?: { input: () => unknown } }>).power
      ?.invoke;
    expect(invoke?.input()).toEqual({ stepId: 'power', instructions: 'Power the node back on', prompt: 'Is it on?' });
  });
});

describe('compileManual: the state it adds', () => {
  it('one awaitManual state, role manual: done → next, stopped → stopped-at-gate, else aborted; an error fails', () => {
    const { runbook } = compileText(
      `  - id: power\n    manual: { instructions: x }\n  - id: after\n    end: { outcome: success, message: on }`,
    );
    const b = startBuild(runbook);
    compileManual(b, runbook.steps[0] as never, 'somewhere');
    expect(Object.keys(b.states)).toEqual(['power']);
    expect(b.metas.power?.role).toBe('manual');
    const inv = b.states.power?.invoke;
    expect(inv?.src).toBe('awaitManual');
    expect(inv?.onDone.map((t) => [t.target, t.guard])).toEqual([
      ['#somewhere', 'manualDone'],
      ['#@stopped-at-gate', 'stopped'],
      ['#@aborted', undefined],
    ]);
    expect(inv?.onError.map((t) => t.target)).toEqual(['#@failed']);
  });
});
