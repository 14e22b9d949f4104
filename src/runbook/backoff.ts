import type { PollPolicy, RetryPolicy } from './model.js';

/**
 * The one schedule of waits a runbook uses: a retry's backoff and a wait's poll interval both
 * start at a first delay and grow by a factor per attempt, capped. The compiled machine's delays
 * and the "poll n of at most m" the operator reads are computed here, so they cannot disagree.
 */

export interface Backoff {
  firstMs: number;
  factor: number;
  maxMs: number;
}

/** The wait after the n-th attempt (n ≥ 1; a smaller n reads as 1): first × factor^(n-1), capped. */
export function backoffDelay(b: Backoff, n: number): number {
  return Math.min(b.firstMs * b.factor ** Math.max(0, n - 1), b.maxMs);
}

/** A step's retry backoff as a schedule. */
export function retryBackoff(r: RetryPolicy): Backoff {
  return { firstMs: r.backoffMs, factor: r.factor, maxMs: r.maxBackoffMs };
}

/** A poll loop's intervals as a schedule. */
export function pollBackoff(p: PollPolicy): Backoff {
  return { firstMs: p.intervalMs, factor: p.factor, maxMs: p.maxIntervalMs };
}

/**
 * The most polls a loop can make before its timeout: the first at once, then one after each
 * interval of the schedule. An interval of 0 counts as 1 ms and the count stops at 10,000, so
 * a degenerate policy still gives a finite answer.
 */
export function maxPolls(p: PollPolicy): number {
  const schedule = pollBackoff(p);
  let polls = 1;
  let at = 0;
  while (polls < 10_000) {
    const interval = Math.max(1, backoffDelay(schedule, polls));
    if (at + interval > p.timeoutMs) break;
    at += interval;
    polls++;
  }
  return polls;
}
