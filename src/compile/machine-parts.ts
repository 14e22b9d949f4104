import { type AnyEventObject, fromPromise } from 'xstate';
import type { Value } from '../runbook/params.js';
import type {
  ApprovalToken,
  AskApprovalInput,
  AskApprovalOutput,
  AwaitManualInput,
  AwaitManualOutput,
  EvaluateCheckInput,
  EvaluateCheckOutput,
  ObserveInput,
  ObserveOutput,
  RecheckApprovalInput,
  RecheckApprovalOutput,
  RunContext,
  RunTalosctlInput,
  RunTalosctlOutput,
} from './contract.js';

/**
 * The named pieces every compiled machine shares: actor placeholders (the executor provides the
 * real ones), and the guards and actions the states refer to by name with params.
 */

const missing = (name: string) => async (): Promise<never> => {
  throw new Error(`actor "${name}" was not provided: use machine.provide({ actors: { ${name} } })`);
};

/** Placeholders that fail loudly: a compiled machine does nothing until effects are provided. */
export const PLACEHOLDER_ACTORS = {
  runTalosctl: fromPromise<RunTalosctlOutput, RunTalosctlInput>(missing('runTalosctl')),
  evaluateCheck: fromPromise<EvaluateCheckOutput, EvaluateCheckInput>(missing('evaluateCheck')),
  observe: fromPromise<ObserveOutput, ObserveInput>(missing('observe')),
  askApproval: fromPromise<AskApprovalOutput, AskApprovalInput>(missing('askApproval')),
  recheckApproval: fromPromise<RecheckApprovalOutput, RecheckApprovalInput>(missing('recheckApproval')),
  awaitManual: fromPromise<AwaitManualOutput, AwaitManualInput>(missing('awaitManual')),
};

/** The `output` of an actor's done event, as a record (undefined for other events). */
export function outputOf(event: AnyEventObject): Record<string, unknown> | undefined {
  const out: unknown = (event as { output?: unknown }).output;
  return out !== null && typeof out === 'object' ? (out as Record<string, unknown>) : undefined;
}

/** Why a step failed, in one line, from whatever event ended it. */
export function failureReason(event: AnyEventObject): string {
  if (event.type.startsWith('xstate.after.')) return 'timed out';
  if (event.type.startsWith('xstate.error.actor.')) {
    const err: unknown = (event as { error?: unknown }).error;
    return err instanceof Error ? err.message : String(err);
  }
  const out = outputOf(event);
  if (out === undefined) return event.type;
  if (typeof out.description === 'string') return out.description;
  const results = out.results;
  if (Array.isArray(results)) {
    return results
      .filter((r: { ok?: boolean }) => r.ok === false)
      .map((r: { node?: string; summary?: string }) => `${r.node}: ${r.summary}`)
      .join('; ');
  }
  return 'failed';
}

type Ctx = { context: RunContext; event: AnyEventObject };
type Update = Partial<RunContext>;

export const GUARDS = {
  /** runTalosctl finished ok on every node */
  ok: ({ event }: Ctx): boolean => outputOf(event)?.ok === true,
  /** evaluateCheck said pass */
  verdictPass: ({ event }: Ctx): boolean => outputOf(event)?.verdict === 'pass',
  /** evaluateCheck said fail (seen not to hold; 'unknown' is neither pass nor fail) */
  verdictFail: ({ event }: Ctx): boolean => outputOf(event)?.verdict === 'fail',
  /** evaluateCheck could not tell, and no retry is left */
  verdictUnknownFinal: ({ context, event }: Ctx, p: { stepId: string; attempts: number }): boolean =>
    outputOf(event)?.verdict === 'unknown' && (context.attempts[p.stepId] ?? 0) + 1 >= p.attempts,
  approved: ({ event }: Ctx): boolean => outputOf(event)?.approved === true,
  /** replay: the recorded polls of this loop ended here (their timeout fired) */
  pollsExhausted: ({ event }: Ctx): boolean => outputOf(event)?.exhausted === true,
  /** nobody could answer the gate or manual step */
  stopped: ({ event }: Ctx): boolean => outputOf(event)?.stopped === true,
  /** runTalosctl: the change's outcome is unknown (crash, cut short) */
  outcomeUnknown: ({ event }: Ctx): boolean => typeof outputOf(event)?.unknown === 'string',
  unchanged: ({ event }: Ctx): boolean => outputOf(event)?.unchanged === true,
  manualDone: ({ event }: Ctx): boolean => outputOf(event)?.done === true,
  /** another attempt is allowed: retries done + 1 < attempts, and the failure is not one a retry cannot mend */
  canRetry: ({ context, event }: Ctx, p: { stepId: string; attempts: number }): boolean =>
    (context.attempts[p.stepId] ?? 0) + 1 < p.attempts && typeof outputOf(event)?.noRetry !== 'string',
  loopHasItem: ({ context }: Ctx, p: { loopId: string }): boolean => {
    const loop = context.loops[p.loopId];
    return loop !== undefined && loop.index < loop.items.length;
  },
};

const setVar = (
  context: RunContext,
  loopId: string,
  as: string,
  index: number,
  items: string[],
): Partial<RunContext> => {
  const vars: Record<string, Value> = { ...context.vars };
  const item = items[index];
  if (item === undefined) delete vars[as];
  else vars[as] = item;
  return { loops: { ...context.loops, [loopId]: { index, items } }, vars };
};

/** Context updates, by action name; to-machine.ts wraps each in xstate's assign. */
export const ASSIGNERS = {
  storeCapture: ({ context, event }: Ctx, p: { name: string }) => {
    const out = outputOf(event);
    const values = (out?.outputs ?? out?.captured) as Record<string, Value> | undefined;
    return values === undefined ? {} : { captures: { ...context.captures, [p.name]: values } };
  },
  noteFailure: ({ context, event }: Ctx, p: { stepId: string; reason?: string; timeoutMs?: number }): Update => {
    let reason = p.reason ?? failureReason(event);
    if (p.timeoutMs !== undefined && event.type.startsWith('xstate.after.')) {
      const last = context.lastFailure?.stepId === p.stepId ? `; last result: ${context.lastFailure.reason}` : '';
      reason = `timed out after ${p.timeoutMs / 1000}s${last}`;
    }
    return { lastFailure: { stepId: p.stepId, reason } };
  },
  countAttempt: ({ context }: Ctx, p: { stepId: string }) => ({
    attempts: { ...context.attempts, [p.stepId]: (context.attempts[p.stepId] ?? 0) + 1 },
  }),
  resetAttempts: ({ context }: Ctx, p: { stepId: string }) => {
    const { [p.stepId]: _, ...rest } = context.attempts;
    return { attempts: rest };
  },
  storeApproval: ({ event }: Ctx, p: { stepId: string; token: ApprovalToken | undefined }) => ({
    approval: { stepId: p.stepId, fingerprint: String(outputOf(event)?.fingerprint ?? ''), token: p.token },
  }),
  consumeApproval: () => ({ approval: undefined }),
  startLoop: ({ context }: Ctx, p: { loopId: string; as: string; items: string[] }): Update =>
    setVar(context, p.loopId, p.as, 0, p.items),
  advanceLoop: ({ context }: Ctx, p: { loopId: string; as: string }) => {
    const loop = context.loops[p.loopId];
    return loop === undefined ? {} : setVar(context, p.loopId, p.as, loop.index + 1, loop.items);
  },
  noteAbort: ({ event, context }: Ctx) => ({
    lastFailure: {
      stepId: context.lastFailure?.stepId ?? '',
      reason: String((event as { reason?: unknown }).reason ?? 'aborted'),
    },
  }),
};
