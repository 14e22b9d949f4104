import { describe, expect, it } from 'vitest';
import { startBuild } from '../../src/compile/build.js';
import { makeMachine } from '../../src/compile/make-machine.js';
import { addOutcomeStates } from '../../src/compile/outcomes.js';
import { addPollLoop } from '../../src/compile/poll-loop.js';
import type { CompiledRunbook } from '../../src/compile/to-machine.js';
import { checkShown } from '../../src/engine/effects/evaluate-check.js';
import { shownCheck } from '../../src/io/run-messages.js';
import { maxPolls } from '../../src/runbook/backoff.js';
import { compileText, drive } from '../helpers/drive-machine.js';

/**
 * The poll loop: polls at once, then after each interval of the backoff schedule, counting polls;
 * it stops at its timeout (never polls past it) and leaves by `timedOut`; a pass leaves at once.
 */

// interval 1s doubling (1, 2, 4, …): polls at t=0, 1, 3, 7 s; the 10 s timeout fires before t=15
const wait = (timeout: string) =>
  compileText(
    `  - id: w\n    wait: { check: leader-elected, with: { nodes: { ref: params.nodes } }, timeout: ${timeout}, interval: 1s, backoff: 2 }\n    onFailure: { goto: late }\n  - id: fine\n    end: { outcome: success, message: passed }\n  - id: late\n    end: { outcome: failed, message: timed out }`,
  );
const P = { nodes: ['10.0.0.1'] };

describe('addPollLoop', () => {
  it('never passing: polls on the backoff schedule, counts them, and stops at the timeout (not before, not after)', async () => {
    const { compiled, runbook } = wait('10s');
    const r = await drive(compiled, P, { check: () => ({ verdict: 'fail' }) }, 500);
    const polls = r.inputs.check.map((i) => i.poll);
    expect(polls).toEqual([0, 1, 2, 3]);
    const step = runbook.steps[0];
    if (step?.kind !== 'wait' || step.poll === undefined) throw new Error('fixture: the first step is a wait');
    // the loop makes exactly as many polls as the poll budget the views show ("poll k of at most n")
    expect(maxPolls(step.poll)).toBe(4);
    const pollTimes = r.states.flatMap((s, i) => (s === 'w:poll' ? [r.times[i]] : []));
    expect(pollTimes).toEqual([0, 1000, 3000, 7000]);
    expect(r.output).toEqual({ outcome: 'failed', stepId: 'late', message: 'timed out' });
  });

  it('each poll it makes reads as "waiting (poll k of at most n)", never FAIL, up to the last one the budget allows', async () => {
    const { compiled, runbook } = wait('10s');
    const r = await drive(compiled, P, { check: () => ({ verdict: 'fail' }) }, 500);
    const shown = r.inputs.check.map((i) => shownCheck(checkShown({ runbook }, i, 'fail', 'no leader')));
    expect(shown).toEqual(
      [1, 2, 3, 4].map((k) => ({
        verdict: 'waiting',
        text: `(poll ${k} of at most 4, 10s in all) leader-elected: no leader`,
      })),
    );
  });

  it('a poll exactly at the timeout is not made: the timer wins at 7 s', async () => {
    // polls due at 0, 1, 3, 7: a 7 s timeout leaves with three polls made
    const r = await drive(wait('7s').compiled, P, { check: () => ({ verdict: 'fail' }) }, 500);
    expect(r.inputs.check.map((i) => i.poll)).toEqual([0, 1, 2]);
    expect(r.output.stepId).toBe('late');
  });

  it('a pass leaves at once, on any poll; a fail, an unknown and an error all poll again', async () => {
    let n = 0;
    const r = await drive(wait('30s').compiled, P, {
      check: () => {
        n++;
        if (n === 2) throw new Error('read broke');
        return { verdict: n === 1 ? 'unknown' : n === 3 ? 'fail' : 'pass' };
      },
    });
    expect(r.inputs.check.map((i) => i.poll)).toEqual([0, 1, 2, 3]);
    expect(r.output).toEqual({ outcome: 'success', stepId: 'fine', message: 'passed' });
  });

  it('a poll the replay marks exhausted takes the loop timeout path before its pass transition', async () => {
    const r = await drive(wait('30s').compiled, P, {
      check: (_i, n) => ({ verdict: 'pass', exhausted: n === 0 }),
    });
    expect(r.calls).toEqual(['check w']);
    expect(r.output.stepId).toBe('late');
  });

  it('the loop, its :poll and :sleep are states with their own roles; the delays are keyed by the loop id', () => {
    const { runbook } = wait('10s');
    const b = startBuild(runbook);
    const step = runbook.steps[0];
    if (step?.kind !== 'wait' || step.poll === undefined) throw new Error('fixture');
    addPollLoop(b, {
      id: 'x',
      step,
      poll: step.poll,
      input: () => ({}),
      passed: { target: '#@success' },
      timedOut: [{ target: '#@failed' }],
      exhausted: [],
    });
    expect(b.metas.x?.role).toBe('wait');
    expect(b.metas['x:poll']?.role).toBe('poll');
    expect(b.metas['x:sleep']?.role).toBe('sleep');
    expect(b.states.x?.initial).toBe('x:poll');
    expect(Object.keys(b.states.x?.states ?? {})).toEqual(['x:poll', 'x:sleep']);
    expect(b.delays['x:timeout']).toBe(10_000);
    const interval = b.delays['x:interval'];
    if (typeof interval !== 'function') throw new Error('the interval is computed per poll');
    const at = (n: number | undefined) => interval({ context: { attempts: n === undefined ? {} : { x: n } } as never });
    expect([at(undefined), at(1), at(2), at(3)]).toEqual([1000, 1000, 2000, 4000]);
  });

  it('a loop built alone runs: its timeout transition is the only way out when nothing passes', async () => {
    const { runbook } = wait('5s');
    const b = startBuild(runbook);
    const step = runbook.steps[0];
    if (step?.kind !== 'wait' || step.poll === undefined) throw new Error('fixture');
    addPollLoop(b, {
      id: 'x',
      step,
      poll: step.poll,
      input: ({ context }) => ({ stepId: 'x', check: 'c', args: {}, mode: 'wait', poll: context.attempts.x ?? 0 }),
      passed: { target: '#@success', guard: 'verdictPass' },
      timedOut: [{ target: '#@declined' }],
      exhausted: [],
    });
    addOutcomeStates(b);
    const compiled = {
      machine: makeMachine(b.states, b.delays, 'x'),
      states: b.metas,
      initial: 'x',
    } as CompiledRunbook;
    const r = await drive(compiled, {}, { check: () => ({ verdict: 'fail' }) }, 250);
    expect(r.output.outcome).toBe('declined');
    // the failures were noted under the step: the outcome names what the last poll saw
    expect(r.output).toEqual({ outcome: 'declined', stepId: 'w', message: 'c fail' });
    expect(r.inputs.check.map((i) => i.poll)).toEqual([0, 1, 2]);
  });
});
