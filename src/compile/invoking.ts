import { backoffDelay, retryBackoff } from '../runbook/backoff.js';
import type { RetryPolicy } from '../runbook/model.js';
import { DEFAULTS } from '../runbook/normalize.js';
import { addState, type Build, entryOf, stateMeta } from './build.js';
import type { StateMeta } from './contract.js';
import { type InputFn, type Transition, to } from './machine-config.js';
import { type FailingStep, failures } from './transitions.js';

/** A state that invokes one actor for a step: a command, a read, a check asked once. */
export interface Invoking {
  step: FailingStep & { timeoutMs: number };
  role: StateMeta['role'];
  src: string;
  input: InputFn;
  /** the transitions on the actor's output; the step's failures follow them */
  onDone: Transition[];
  /** where the run goes when the step is over (for `onFailure: continue`) */
  next: string;
  /** the step's retries; undefined: one attempt */
  retry: RetryPolicy | undefined;
  /** where the step's timeout goes, when not to its failures */
  onTimeout?: Transition[];
}

/**
 * Adds the invoking state, bounded by the step's timeout, and — when the step may be retried —
 * its `:retry` state, which waits out the backoff before entering the step again.
 */
export function addInvoking(b: Build, s: Invoking): void {
  const { step, retry } = s;
  const attempts = retry?.attempts ?? 1;
  const fail = failures(b, step, s.next, attempts);
  // a read's calls each end at timeoutMs (the adapter kills them): the step waits for them
  const read = step.kind === 'talosctl' && step.effect === 'read';
  b.delays[`${step.id}:timeout`] = step.timeoutMs + (read ? DEFAULTS.readSettleMs : 0);
  addState(b, {
    id: step.id,
    meta: stateMeta(step, s.role),
    invoke: { src: s.src, input: s.input, onDone: [...s.onDone, ...fail], onError: fail },
    after: { [`${step.id}:timeout`]: s.onTimeout ?? fail },
  });
  if (retry !== undefined && attempts > 1) {
    const schedule = retryBackoff(retry);
    b.delays[`${step.id}:backoff`] = ({ context }) => backoffDelay(schedule, context.attempts[step.id] ?? 1);
    addState(b, {
      id: `${step.id}:retry`,
      meta: stateMeta(step, 'retry'),
      after: { [`${step.id}:backoff`]: [{ target: to(entryOf(b, step.id)) }] },
    });
  }
}
