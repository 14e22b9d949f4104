import { END, failureTarget } from '../runbook/flow.js';
import type { FailurePolicy, Step } from '../runbook/model.js';
import { type Build, entryOf } from './build.js';
import { type Action, act, type Transition, to } from './machine-config.js';
import { OUTCOME_STATES } from './outcomes.js';

/**
 * The transitions steps share: leaving a step that succeeded, and leaving one that failed —
 * by a retry while attempts are left, else by the step's failure policy.
 */

/** A step that has a failure policy. */
export type FailingStep = Step & { onFailure: FailurePolicy };

/** Success: on to `next`, the step's attempt count cleared (plus `extra` actions). */
export function succeed(step: Step, next: string, extra: Action[] = []): Transition {
  return { target: to(next), actions: [act('resetAttempts', { stepId: step.id }), ...extra] };
}

/** Where a failure goes: the policy's target (entered as such), or the run's failed outcome. */
export function failTo(b: Build, step: FailingStep, next: string): string {
  const target = failureTarget(step.onFailure, next);
  if (target !== END) return target === next ? next : entryOf(b, target);
  return step.kind === 'precondition' ? OUTCOME_STATES['precondition-failed'] : OUTCOME_STATES.failed;
}

/** A failure: to the step's retry state while `attempts` allow one, else by its policy. */
export function failures(b: Build, step: FailingStep, next: string, attempts: number): Transition[] {
  return [
    ...(attempts > 1
      ? [
          {
            target: to(`${step.id}:retry`),
            guard: { type: 'canRetry', params: { stepId: step.id, attempts } },
            actions: [act('noteFailure', { stepId: step.id }), act('countAttempt', { stepId: step.id })],
          },
        ]
      : []),
    {
      target: to(failTo(b, step, next)),
      actions: [act('noteFailure', { stepId: step.id }), act('resetAttempts', { stepId: step.id })],
    },
  ];
}

/** A gate's answer other than an approval: nobody could answer (stopped, exit 3), or no. */
export function notApproved(stepId: string): Transition[] {
  return [
    {
      target: to(OUTCOME_STATES['stopped-at-gate']),
      guard: 'stopped',
      actions: [act('noteFailure', { stepId, reason: 'no approval in a non-interactive run' })],
    },
    {
      target: to(OUTCOME_STATES.declined),
      actions: [act('noteFailure', { stepId, reason: 'declined by the operator' })],
    },
  ];
}
