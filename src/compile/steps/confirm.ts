import { guardedSteps, tokenSource } from '../../runbook/flow.js';
import type { StepOf } from '../../runbook/model.js';
import { tokenResolver } from '../approval-token.js';
import { addState, type Build, stateMeta } from '../build.js';
import type { RunContext } from '../contract.js';
import { act, to } from '../machine-config.js';
import { OUTCOME_STATES } from '../outcomes.js';
import { notApproved } from '../transitions.js';

/**
 * A confirm step: the gate before the irreversible steps it guards (askApproval). The operator
 * types the token of what is about to be destroyed; the approval, with a fingerprint of the
 * cluster it was given for, is stored for the guarded steps' rechecks.
 */
export function compileConfirm(b: Build, step: StepOf<'confirm'>, next: string): void {
  const guarded = guardedSteps(step.id, b.index);
  const explicit = step.token === undefined ? undefined : { value: step.token, at: step.id };
  const tokenAt = tokenResolver(tokenSource(explicit, guarded, b.index, b.scopes));
  addState(b, {
    id: step.id,
    meta: stateMeta(step, 'confirm'),
    invoke: {
      src: 'askApproval',
      input: ({ context }) => ({
        stepId: step.id,
        prompt: step.prompt,
        token: tokenAt(context),
        guards: guarded.map((g) => g.id),
      }),
      onDone: [
        {
          target: to(next),
          guard: 'approved',
          actions: [
            {
              type: 'storeApproval',
              params: ({ context }: { context: RunContext }) => ({ stepId: step.id, token: tokenAt(context) }),
            },
          ],
        },
        ...notApproved(step.id),
      ],
      onError: [{ target: to(OUTCOME_STATES.failed), actions: [act('noteFailure', { stepId: step.id })] }],
    },
  });
}
