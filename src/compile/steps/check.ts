import type { StepOf } from '../../runbook/model.js';
import { resolveArgs } from '../../runbook/refs.js';
import { type Build, entryOf, must, scopeOf } from '../build.js';
import type { RunContext } from '../contract.js';
import { addInvoking } from '../invoking.js';
import { act, type Transition, to } from '../machine-config.js';
import { OUTCOME_STATES } from '../outcomes.js';
import { addPollLoop } from '../poll-loop.js';
import { failures, succeed } from '../transitions.js';

/** The step kinds that ask a catalog check (evaluateCheck). */
export type CheckStep = StepOf<'precondition' | 'choice' | 'wait' | 'postcondition'>;

/**
 * A check step. A wait (or a postcondition with a poll) polls until the check passes or its
 * timeout; the others ask once: a precondition passes or stops the run (precondition-failed,
 * exit 4), a choice branches on pass or fail, a postcondition passes or fails the step.
 */
export function compileCheck(b: Build, step: CheckStep, next: string): void {
  const id = step.id;
  const mode = step.kind;
  const input = ({ context }: { context: RunContext }) => ({
    stepId: id,
    check: step.check,
    args: must(resolveArgs(step.with, scopeOf(context)), id),
    mode,
    poll: context.attempts[id] ?? 0,
  });
  if ((step.kind === 'wait' || step.kind === 'postcondition') && step.poll !== undefined) {
    const poll = step.poll;
    const fail = failures(b, step, next, 1).map((f) => ({
      ...f,
      actions: [act('noteFailure', { stepId: id, timeoutMs: poll.timeoutMs }), act('resetAttempts', { stepId: id })],
    }));
    addPollLoop(b, {
      id,
      step,
      poll,
      input,
      // on resume, a loop the recorded run left by its timeout leaves here too (its polls ran out)
      exhausted: fail.map((f) => ({
        ...f,
        guard: 'pollsExhausted',
        actions: [
          act('noteFailure', { stepId: id, reason: `timed out after ${poll.timeoutMs / 1000}s (as recorded)` }),
          act('resetAttempts', { stepId: id }),
        ],
      })),
      passed: { ...succeed(step, next), guard: 'verdictPass' },
      timedOut: fail,
    });
    return;
  }
  // 'unknown' takes no branch: a choice falls through to its failure transitions (onFailure),
  // a precondition stops with precondition-failed once its retries are spent, whatever its onFailure
  const retry = step.kind === 'precondition' ? step.retry : undefined;
  addInvoking(b, { step, role: 'check', src: 'evaluateCheck', input, onDone: onVerdict(b, step, next), next, retry });
}

/** Where a check asked once goes on its verdict (its failures follow). */
function onVerdict(b: Build, step: CheckStep, next: string): Transition[] {
  if (step.kind === 'choice') {
    return [
      { ...succeed(step, step.ifPass === undefined ? next : entryOf(b, step.ifPass)), guard: 'verdictPass' },
      { ...succeed(step, step.ifFail === undefined ? next : entryOf(b, step.ifFail)), guard: 'verdictFail' },
    ];
  }
  if (step.kind === 'precondition') {
    return [
      { ...succeed(step, next), guard: 'verdictPass' },
      {
        target: to(OUTCOME_STATES['precondition-failed']),
        guard: { type: 'verdictUnknownFinal', params: { stepId: step.id, attempts: step.retry.attempts } },
        actions: [act('noteFailure', { stepId: step.id }), act('resetAttempts', { stepId: step.id })],
      },
    ];
  }
  return [{ ...succeed(step, next), guard: 'verdictPass' }];
}
