import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';
import { checkShown } from '../../src/engine/effects/evaluate-check.js';
import { plainProgress } from '../../src/engine/progress.js';
import { shownCheck as wordCheck } from '../../src/io/run-messages.js';
import { maxPolls } from '../../src/runbook/backoff.js';

/** What the engine tells (checkShown) worded as the views show it (run-messages.ts). */
const shownCheck = (...a: Parameters<typeof checkShown>) => wordCheck(checkShown(...a));

// Words for a tired responder: a choice is answered, a wait still polling is waiting, neither is a red FAIL.
function runbook(name: string) {
  const file = `runbooks/${name}.yaml`;
  const r = lintRunbook(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(`${name} does not lint`);
  return r.runbook;
}

describe('shownCheck', () => {
  const rlm = { runbook: runbook('replace-lost-member') };
  const mns = { runbook: runbook('member-not-syncing') };

  it('answers a choice yes or no with its question, never FAIL', () => {
    const no = shownCheck(
      rlm,
      { stepId: 'lost-is-leader', check: 'flag-set', mode: 'choice', poll: 0 },
      'fail',
      'the lost member is not the leader',
    );
    // the question, then the runbook's answer in words (flag-set's summary is the no: sentence)
    expect(no).toEqual({
      verdict: 'no',
      text: 'lost-is-leader: Is the lost member still named leader? — the lost member is not the leader',
    });
    const yes = shownCheck(
      rlm,
      { stepId: 'lost-is-leader', check: 'flag-set', mode: 'choice', poll: 0 },
      'pass',
      'the lost member is still named leader',
    );
    expect(yes).toEqual({
      verdict: 'yes',
      text: 'lost-is-leader: Is the lost member still named leader? — the lost member is still named leader',
    });
    // a choice on the cluster keeps what the check saw after the question
    const learners = shownCheck(
      mns,
      { stepId: 'promoted-by-itself', check: 'no-learners', mode: 'choice', poll: 0 },
      'fail',
      `member 0a on 127.0.0.13 is a learner`,
    );
    expect(learners).toEqual({
      verdict: 'no',
      text: 'promoted-by-itself: No learner is left — member 0a on 127.0.0.13 is a learner',
    });
    // a choice that cannot tell stays unknown: it is not an answer
    expect(
      shownCheck(
        mns,
        { stepId: 'promoted-by-itself', check: 'no-learners', mode: 'choice', poll: 0 },
        'unknown',
        'cannot tell',
      ).verdict,
    ).toBe('unknown');
  });

  it('shows a wait still polling as waiting (poll k of at most N), and its pass as PASS', () => {
    const input = { stepId: 'catch-up', check: 'raft-converged', mode: 'wait' as const, poll: 0 };
    const first = shownCheck(mns, input, 'fail', 'raft index spread is 5000');
    // 5m with a poll every 10s: the first at once, then 30 more
    expect(first).toEqual({
      verdict: 'waiting',
      text: '(poll 1 of at most 31, 300s in all) raft-converged: raft index spread is 5000',
    });
    expect(shownCheck(mns, { ...input, poll: 2 }, 'unknown', 'x').text).toMatch(/^\(poll 3 of at most 31/);
    expect(shownCheck(mns, { ...input, poll: 2 }, 'pass', 'converged')).toEqual({
      verdict: 'pass',
      text: 'raft-converged: converged',
    });
    // a precondition asked once keeps its verdict: a failure there is a failure
    expect(
      shownCheck(
        mns,
        { stepId: 'quorum-safe', check: 'quorum-safe-to-remove', mode: 'precondition', poll: 0 },
        'fail',
        'no',
      ).verdict,
    ).toBe('fail');
  });

  it('prints yes/no/waiting without the red of a failure', () => {
    let out = '';
    const p = plainProgress({
      write: (t) => {
        out += t;
      },
      color: true,
    });
    p.check('no', 'q');
    p.check('waiting', 'w');
    expect(out).not.toContain('\u001b[31m');
    expect(out).toContain('↳ no');
    expect(out).toContain('… waiting');
    out = '';
    p.check('fail', 'f');
    expect(out).toContain('\u001b[31m✘ FAIL');
  });
});

describe('maxPolls', () => {
  it('counts the first poll and one per interval, with backoff capped', () => {
    expect(maxPolls({ timeoutMs: 300_000, intervalMs: 10_000, factor: 1, maxIntervalMs: 60_000 })).toBe(31);
    expect(maxPolls({ timeoutMs: 5_000, intervalMs: 10_000, factor: 1, maxIntervalMs: 60_000 })).toBe(1);
    // 1, 2, 4, 8, 8, 8 … s within 30 s: at 1, 3, 7, 15, 23 → 6 polls
    expect(maxPolls({ timeoutMs: 30_000, intervalMs: 1_000, factor: 2, maxIntervalMs: 8_000 })).toBe(6);
  });
});
