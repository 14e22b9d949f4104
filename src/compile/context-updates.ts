import type { AnyEventObject } from 'xstate';
import type { Value } from '../runbook/params.js';
import { outputOf } from './actor-output.js';
import type { ActorName, ApprovalToken, RunContext } from './contract.js';

/**
 * The context updates a compiled machine's actions name, by action name, each reading the typed
 * output of the actor whose onDone it sits on; make-machine.ts wraps each in xstate's assign.
 */

type Ctx = { context: RunContext; event: AnyEventObject };
type Update = Partial<RunContext>;

/** Why a step failed, in one line, from whatever event ended it. */
export function failureReason(event: AnyEventObject): string {
  if (event.type.startsWith('xstate.after.')) return 'timed out';
  if (event.type.startsWith('xstate.error.actor.')) {
    const err: unknown = (event as { error?: unknown }).error;
    return err instanceof Error ? err.message : String(err);
  }
  const out = outputOf<ActorName>(event);
  if (out === undefined) return event.type;
  // a check says what it saw; a command, which nodes failed and how
  if ('description' in out && typeof out.description === 'string') return out.description;
  if ('results' in out && Array.isArray(out.results)) {
    return out.results
      .filter((r) => r.ok === false)
      .map((r) => `${r.node}: ${r.summary}`)
      .join('; ');
  }
  return 'failed';
}

/** What a read (its observation's outputs) or a command (its parsed outputs) hands its capture. */
function capturedValues(event: AnyEventObject): Record<string, Value> | undefined {
  return outputOf<'observe'>(event)?.outputs ?? outputOf<'runTalosctl'>(event)?.captured;
}

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

export const ASSIGNERS = {
  storeCapture: ({ context, event }: Ctx, p: { name: string }) => {
    const values = capturedValues(event);
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
    approval: {
      stepId: p.stepId,
      fingerprint: String(outputOf<'askApproval'>(event)?.fingerprint ?? ''),
      token: p.token,
    },
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
