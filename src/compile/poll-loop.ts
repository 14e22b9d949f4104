import { backoffDelay, pollBackoff } from '../runbook/backoff.js';
import type { PollPolicy, Step } from '../runbook/model.js';
import { addState, type Build, stateMeta } from './build.js';
import { act, type InputFn, type StateConfig, type Transition, to } from './machine-config.js';

/** A check polled until it passes or the loop's timeout: a wait, or a re-observation. */
export interface PollLoop {
  /** the loop's state id; its children are `<id>:poll` and `<id>:sleep`, its polls count under it */
  id: string;
  step: Step;
  poll: PollPolicy;
  input: InputFn;
  /** on a pass */
  passed: Transition;
  /** on the loop's timeout */
  timedOut: Transition[];
  /** replay: where a poll goes that the recorded run left by its timeout */
  exhausted: Transition[];
}

/**
 * Adds the loop: a compound state bounded by the timeout, whose `:poll` asks the check once and
 * whose `:sleep` counts the poll and waits the next interval of the backoff schedule. A poll
 * that does not pass (or fails) notes why, so the timeout can say what was last seen.
 */
export function addPollLoop(b: Build, loop: PollLoop): void {
  const { id, step, poll } = loop;
  const schedule = pollBackoff(poll);
  b.delays[`${id}:timeout`] = poll.timeoutMs;
  b.delays[`${id}:interval`] = ({ context }) => backoffDelay(schedule, context.attempts[id] ?? 1);
  const sleep = `${id}:sleep`;
  const note = act('noteFailure', { stepId: step.id });
  const children: Record<string, StateConfig> = {};
  addState(
    b,
    {
      id: `${id}:poll`,
      meta: stateMeta(step, 'poll'),
      invoke: {
        src: 'evaluateCheck',
        input: loop.input,
        onDone: [...loop.exhausted, loop.passed, { target: to(sleep), actions: [note] }],
        onError: [{ target: to(sleep), actions: [note] }],
      },
    },
    children,
  );
  addState(
    b,
    {
      id: sleep,
      meta: stateMeta(step, 'sleep'),
      entry: [act('countAttempt', { stepId: id })],
      after: { [`${id}:interval`]: [{ target: to(`${id}:poll`) }] },
    },
    children,
  );
  addState(b, {
    id,
    meta: stateMeta(step, 'wait'),
    initial: `${id}:poll`,
    states: children,
    after: { [`${id}:timeout`]: loop.timedOut },
  });
}
