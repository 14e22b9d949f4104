import { tokenSource } from '../../runbook/flow.js';
import type { StepOf } from '../../runbook/model.js';
import { tokenResolver } from '../approval-token.js';
import { addState, type Build, stateMeta } from '../build.js';
import type { RunContext } from '../contract.js';
import { act, to } from '../machine-config.js';
import { OUTCOME_STATES } from '../outcomes.js';
import { notApproved } from '../transitions.js';

/**
 * The fresh approval of a gated step itself, before it runs again after an unknown outcome:
 * the prompt says why (the check that does not show the change), the token is the step's own.
 */
export function compileReapprove(b: Build, step: StepOf<'talosctl'>, doneCheck: string | undefined): void {
  const id = step.id;
  const tokenAt = tokenResolver(tokenSource(undefined, [step], b.index, b.scopes));
  addState(b, {
    id: `${id}:reapprove`,
    meta: stateMeta(step, 'confirm'),
    invoke: {
      src: 'askApproval',
      input: ({ context }) => ({
        stepId: id,
        prompt: `the previous attempt of ${id} may or may not have run, and nothing shows that it took effect${
          context.lastFailure?.stepId === id
            ? ` (${doneCheck ?? 'the check'} does not hold: ${context.lastFailure.reason})`
            : ''
        }: run it again?`,
        token: tokenAt(context),
        guards: [id],
        again: true,
      }),
      onDone: [
        {
          target: to(`${id}:recheck`),
          guard: 'approved',
          actions: [
            {
              type: 'storeApproval',
              params: ({ context }: { context: RunContext }) => ({ stepId: id, token: tokenAt(context) }),
            },
          ],
        },
        ...notApproved(id),
      ],
      onError: [{ target: to(OUTCOME_STATES.failed), actions: [act('noteFailure', { stepId: id })] }],
    },
  });
}
