import type { DoneCheck, StepOf } from '../../runbook/model.js';
import { resolveArgs } from '../../runbook/refs.js';
import { addState, type Build, CHECK_TIMEOUT_MS, entryOf, scopeOf, stateMeta, stepInfo } from '../build.js';
import type { RunContext } from '../contract.js';
import { act, type Transition, to } from '../machine-config.js';
import { addPollLoop } from '../poll-loop.js';
import { failTo, succeed } from '../transitions.js';
import { compileReapprove } from './reapprove.js';

/**
 * A change whose outcome is unknown — its intent is in the log without a result (a crash), or
 * its call was cut short — is settled by machine states, never by an effect on its own:
 * `:reobserve` asks the step's done: check (else the check right after it), and when that does
 * not show the change took effect, a gated step needs `:reapprove` — a fresh approval of the
 * step itself — before its recheck, quorum check and command; an ungated one runs again.
 * Returns the state an unknown outcome goes to.
 */
export function compileUnknown(b: Build, step: StepOf<'talosctl'>, next: string): string {
  const id = step.id;
  const again = step.gate ? `${id}:reapprove` : entryOf(b, id);
  const done = step.done ?? followingCheck(b, step);
  // a fresh approval only where a path leads to it (otherwise: fail never runs it again)
  if (step.gate && step.done?.otherwise !== 'fail') compileReapprove(b, step, done?.check);
  if (done === undefined) return again;
  const notDone: Transition[] =
    step.done?.otherwise === 'fail'
      ? [
          {
            target: to(failTo(b, step, next)),
            actions: [
              act('noteFailure', {
                stepId: id,
                reason: `outcome unknown and ${done.check} does not show it took effect`,
              }),
              act('resetAttempts', { stepId: id }),
            ],
          },
        ]
      : [{ target: to(again), actions: [act('noteFailure', { stepId: id })] }];
  const reobserve = `${id}:reobserve`;
  // args that cannot be resolved yet (a capture of this very step) make the check say
  // "cannot tell": the change is then treated as not shown, never as done
  const input = ({ context }: { context: RunContext }) => ({
    stepId: reobserve,
    check: done.check,
    args: ((r) => (r.ok ? r.value : {}))(resolveArgs(done.with, scopeOf(context))),
    mode: 'wait' as const,
    poll: context.attempts[reobserve] ?? 0,
  });
  const passed = { ...succeed(step, next, step.gate ? [act('consumeApproval')] : []), guard: 'verdictPass' };
  if (done.poll === undefined) {
    b.delays[`${reobserve}:timeout`] = CHECK_TIMEOUT_MS;
    addState(b, {
      id: reobserve,
      meta: stateMeta(step, 'reobserve'),
      invoke: { src: 'evaluateCheck', input, onDone: [passed, ...notDone], onError: notDone },
      after: { [`${reobserve}:timeout`]: notDone },
    });
    return reobserve;
  }
  const timedOut: Transition[] = notDone.map((n) => ({
    ...n,
    // the timeout keeps the last poll's words (noteFailure on the poll) for the gate
    actions: [
      ...(n.actions ?? []).filter((a) => a.type !== 'noteFailure' || step.done?.otherwise === 'fail'),
      act('resetAttempts', { stepId: reobserve }),
    ],
  }));
  addPollLoop(b, {
    id: reobserve,
    step,
    poll: done.poll,
    input,
    // on resume, a loop the recorded run left by its timeout leaves here too
    exhausted: timedOut.map((n) => ({ ...n, guard: 'pollsExhausted' })),
    passed: { ...passed, actions: [...(passed.actions ?? []), act('resetAttempts', { stepId: reobserve })] },
    timedOut,
  });
  return reobserve;
}

/** A wait, postcondition or precondition right after the step in the same list, asked once. */
function followingCheck(b: Build, step: StepOf<'talosctl'>): Pick<DoneCheck, 'check' | 'with' | 'poll'> | undefined {
  const after = b.index.get(stepInfo(b, step.id).next)?.step;
  if (
    after === undefined ||
    !(after.kind === 'wait' || after.kind === 'postcondition' || after.kind === 'precondition')
  )
    return undefined;
  return { check: after.check, with: after.with, poll: undefined };
}
