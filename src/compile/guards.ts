import type { AnyEventObject } from 'xstate';
import { outputOf } from './actor-output.js';
import type { RunContext } from './contract.js';

/**
 * The guards a compiled machine's transitions name, each reading the typed output of the actor
 * whose onDone it sits on (or the run's context). Shared by every compiled machine.
 */

type Ctx = { context: RunContext; event: AnyEventObject };

/** Why no retry can mend this failure: only a command says so (error class `config`). */
function noRetryReason(event: AnyEventObject): string | undefined {
  const out = outputOf<'runTalosctl' | 'observe' | 'evaluateCheck'>(event);
  return out !== undefined && 'noRetry' in out && typeof out.noRetry === 'string' ? out.noRetry : undefined;
}

export const GUARDS = {
  /** runTalosctl finished ok on every node */
  ok: ({ event }: Ctx): boolean => outputOf<'runTalosctl'>(event)?.ok === true,
  /** evaluateCheck said pass */
  verdictPass: ({ event }: Ctx): boolean => outputOf<'evaluateCheck'>(event)?.verdict === 'pass',
  /** evaluateCheck said fail (seen not to hold; 'unknown' is neither pass nor fail) */
  verdictFail: ({ event }: Ctx): boolean => outputOf<'evaluateCheck'>(event)?.verdict === 'fail',
  /** evaluateCheck could not tell, and no retry is left */
  verdictUnknownFinal: ({ context, event }: Ctx, p: { stepId: string; attempts: number }): boolean =>
    outputOf<'evaluateCheck'>(event)?.verdict === 'unknown' && (context.attempts[p.stepId] ?? 0) + 1 >= p.attempts,
  approved: ({ event }: Ctx): boolean => outputOf<'askApproval'>(event)?.approved === true,
  /** replay: the recorded polls of this loop ended here (their timeout fired) */
  pollsExhausted: ({ event }: Ctx): boolean => outputOf<'evaluateCheck'>(event)?.exhausted === true,
  /** nobody could answer the gate or manual step */
  stopped: ({ event }: Ctx): boolean => outputOf<'askApproval' | 'awaitManual'>(event)?.stopped === true,
  /** runTalosctl: the change's outcome is unknown (crash, cut short) */
  outcomeUnknown: ({ event }: Ctx): boolean => typeof outputOf<'runTalosctl'>(event)?.unknown === 'string',
  unchanged: ({ event }: Ctx): boolean => outputOf<'recheckApproval'>(event)?.unchanged === true,
  manualDone: ({ event }: Ctx): boolean => outputOf<'awaitManual'>(event)?.done === true,
  /** another attempt is allowed: retries done + 1 < attempts, and the failure is not one a retry cannot mend */
  canRetry: ({ context, event }: Ctx, p: { stepId: string; attempts: number }): boolean =>
    (context.attempts[p.stepId] ?? 0) + 1 < p.attempts && noRetryReason(event) === undefined,
  loopHasItem: ({ context }: Ctx, p: { loopId: string }): boolean => {
    const loop = context.loops[p.loopId];
    return loop !== undefined && loop.index < loop.items.length;
  },
};
