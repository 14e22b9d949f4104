import type { StepOf } from '../../runbook/model.js';
import { addState, type Build, stateMeta } from '../build.js';
import { act, to } from '../machine-config.js';
import { OUTCOME_STATES } from '../outcomes.js';

/**
 * A manual step: the operator acts outside the tool and says done (awaitManual). Without a
 * terminal the run stops there, resumable; an operator who gives up aborts the run.
 */
export function compileManual(b: Build, step: StepOf<'manual'>, next: string): void {
  const id = step.id;
  addState(b, {
    id,
    meta: stateMeta(step, 'manual'),
    invoke: {
      src: 'awaitManual',
      input: () => ({ stepId: id, instructions: step.instructions, prompt: step.prompt }),
      onDone: [
        { target: to(next), guard: 'manualDone' },
        {
          target: to(OUTCOME_STATES['stopped-at-gate']),
          guard: 'stopped',
          actions: [act('noteFailure', { stepId: id, reason: 'no terminal to confirm the manual step' })],
        },
        {
          target: to(OUTCOME_STATES.aborted),
          actions: [act('noteFailure', { stepId: id, reason: 'the operator did not finish the manual step' })],
        },
      ],
      onError: [{ target: to(OUTCOME_STATES.failed), actions: [act('noteFailure', { stepId: id })] }],
    },
  });
}
