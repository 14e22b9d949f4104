import { addState, type Build } from './build.js';
import type { RunOutcome } from './contract.js';

/** The final state of each outcome a run can end with (an `end` step is a final state too). */
export const OUTCOME_STATES: Record<RunOutcome, string> = {
  success: '@success',
  failed: '@failed',
  aborted: '@aborted',
  'precondition-failed': '@precondition-failed',
  declined: '@declined',
  'approval-stale': '@approval-stale',
  'stopped-at-gate': '@stopped-at-gate',
};

/** Adds the outcome states: success says nothing more; the others name the failure last noted. */
export function addOutcomeStates(b: Build): void {
  for (const [outcome, key] of Object.entries(OUTCOME_STATES) as Array<[RunOutcome, string]>) {
    addState(b, {
      id: key,
      meta: { stepId: undefined, role: 'outcome', effect: undefined },
      type: 'final',
      output:
        outcome === 'success'
          ? { outcome, stepId: undefined, message: undefined }
          : ({ context }) => ({ outcome, stepId: context.lastFailure?.stepId, message: context.lastFailure?.reason }),
    });
  }
}
