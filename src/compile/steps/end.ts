import type { StepOf } from '../../runbook/model.js';
import { addState, type Build, stateMeta } from '../build.js';

/** An end step: a final state with the runbook's own outcome and message. */
export function compileEnd(b: Build, step: StepOf<'end'>): void {
  addState(b, {
    id: step.id,
    meta: stateMeta(step, 'end'),
    type: 'final',
    output: { outcome: step.outcome, stepId: step.id, message: step.message },
  });
}
