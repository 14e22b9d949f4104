import { describe, expect, it } from 'vitest';
import { buildDeviations } from '../../../src/audit/report/deviations.js';
import type { ApprovalEntry, CheckEntry, CommandEntry, Entry } from '../../../src/audit/report/model.js';

/**
 * The deviations are what an auditor reads first. Each kind is built here from a hand-written
 * timeline (the report model's entries), with the exact label and detail the auditor sees; a
 * clean run reports none.
 */

const T = (seq: number) => `2026-11-24T03:00:${String(seq).padStart(2, '0')}.000Z`;
const step = (seq: number, name: string, stepKind: string): Entry => ({
  kind: 'step',
  seq,
  time: T(seq),
  step: name,
  stepKind,
});
const stepEnd = (seq: number, name: string): Entry => ({
  kind: 'step-end',
  seq,
  time: T(seq),
  step: name,
  outcome: 'ok',
});
const check = (seq: number, s: string, name: string, verdict: CheckEntry['verdict']): CheckEntry => ({
  kind: 'check',
  seq,
  time: T(seq),
  step: s,
  name,
  verdict,
  summary: `${name} said ${verdict}`,
  args: {},
  observed: {},
  evidence: [],
});
const command = (seq: number, over: Partial<CommandEntry> = {}): CommandEntry => ({
  kind: 'command',
  seq,
  time: T(seq),
  step: 'defrag',
  argv: ['etcd', 'defrag'],
  node: '10.5.0.2',
  effect: 'disruptive',
  resultSeq: seq + 1,
  exitCode: 0,
  durationMs: 1200,
  timedOut: false,
  stdout: '',
  stderr: '',
  status: 'ok',
  ...over,
});
const approval = (seq: number, over: Partial<ApprovalEntry> = {}): ApprovalEntry => ({
  kind: 'approval',
  seq,
  time: T(seq),
  step: 'remove',
  prompt: 'type REMOVE to remove member 0a1b',
  token: 'REMOVE',
  fingerprint: 'f'.repeat(64),
  answer: { seq: seq + 1, who: 'alice', how: 'tty', when: T(seq + 1), approved: true, fingerprint: 'f'.repeat(64) },
  evidence: [],
  ...over,
});
const deviation = (seq: number, kind: string, s: string | null = 'defrag'): Entry => ({
  kind: 'deviation',
  seq,
  time: T(seq),
  step: s,
  deviation: kind,
  detail: `detail of ${kind}`,
});

/** A run that left the plain path nowhere: every gating check passed, every change exited 0. */
const CLEAN: Entry[] = [
  step(2, 'pre', 'precondition'),
  check(3, 'pre', 'no-alarms', 'pass'),
  stepEnd(4, 'pre'),
  step(5, 'remove', 'command'),
  approval(6),
  command(8, { step: 'remove', argv: ['etcd', 'remove-member', '0a1b'], effect: 'irreversible' }),
  stepEnd(10, 'remove'),
  step(11, 'post', 'postcondition'),
  check(12, 'post', 'members-count', 'pass'),
  stepEnd(13, 'post'),
  { kind: 'end', seq: 14, time: T(14), outcome: 'done', exitCode: 0 },
];

describe('buildDeviations', () => {
  it('reports nothing for a clean run, or an empty one', () => {
    expect(buildDeviations(CLEAN)).toEqual([]);
    expect(buildDeviations([])).toEqual([]);
  });

  it('names each recorded deviation kind in words, and passes an unknown kind through as written', () => {
    const got = buildDeviations([
      deviation(1, 'retry'),
      deviation(2, 'skip'),
      deviation(3, 'override'),
      deviation(4, 'flag-approval', 'remove'),
      deviation(5, 'outcome-unknown'),
      deviation(6, 'resume', null),
      deviation(7, 'something-new'),
    ]);
    expect(got.map((d) => [d.seq, d.step, d.what, d.detail])).toEqual([
      [1, 'defrag', 'retry', 'detail of retry'],
      [2, 'defrag', 'skipped step', 'detail of skip'],
      [3, 'defrag', 'override', 'detail of override'],
      [4, 'remove', 'approval by flag', 'detail of flag-approval'],
      [5, 'defrag', 'outcome unknown, resolved', 'detail of outcome-unknown'],
      [6, null, 'resumed after an interruption', 'detail of resume'],
      [7, 'defrag', 'something-new', 'detail of something-new'],
    ]);
    expect(got[0]?.time).toBe(T(1));
  });

  describe('approvals', () => {
    const byFlag = approval(6, {
      answer: { seq: 7, who: 'ci-bot', how: 'flag', when: T(7), approved: true, fingerprint: 'f'.repeat(64) },
    });

    it('an approval given by flag, at its answer record', () => {
      expect(buildDeviations([byFlag])).toEqual([
        {
          seq: 7,
          time: T(6),
          step: 'remove',
          what: 'approval by flag',
          detail: 'approved by ci-bot with a command-line flag; no prompt was shown',
        },
      ]);
    });

    it('once only when the run also recorded a flag-approval deviation for that step', () => {
      expect(buildDeviations([deviation(5, 'flag-approval', 'remove'), byFlag]).map((d) => [d.seq, d.what])).toEqual([
        [5, 'approval by flag'],
      ]);
      // a flag-approval of another step does not hide this one
      expect(buildDeviations([deviation(5, 'flag-approval', 'other'), byFlag]).map((d) => [d.seq, d.step])).toEqual([
        [5, 'other'],
        [7, 'remove'],
      ]);
    });

    it('a declined approval, with who and the prompt', () => {
      const declined = approval(6, {
        answer: { seq: 7, who: 'alice', how: 'tty', when: T(7), approved: false, fingerprint: 'f'.repeat(64) },
      });
      expect(buildDeviations([declined])).toEqual([
        {
          seq: 7,
          time: T(6),
          step: 'remove',
          what: 'approval declined',
          detail: 'alice declined: type REMOVE to remove member 0a1b',
        },
      ]);
    });

    it('declined by flag: both, the flag first', () => {
      const a = approval(6, {
        answer: { seq: 7, who: 'ci', how: 'flag', when: T(7), approved: false, fingerprint: 'f'.repeat(64) },
      });
      expect(buildDeviations([a]).map((d) => d.what)).toEqual(['approval by flag', 'approval declined']);
    });

    it('an approval voided by drift, at the void record', () => {
      const voided = approval(6, { voided: { seq: 9, time: T(9), reason: 'the member list changed' } });
      expect(buildDeviations([voided])).toEqual([
        { seq: 9, time: T(9), step: 'remove', what: 'approval voided', detail: 'the member list changed' },
      ]);
    });

    it('a request never answered is not a deviation by itself', () => {
      const { answer: _, ...unanswered } = approval(6);
      expect(buildDeviations([unanswered])).toEqual([]);
    });
  });

  describe('commands', () => {
    it('a read that failed is not a deviation (checks decide what it means)', () => {
      expect(buildDeviations([command(3, { effect: 'read', status: 'failed', exitCode: 1 })])).toEqual([]);
      expect(buildDeviations([command(3, { effect: 'read', status: 'no result', resultSeq: undefined })])).toEqual([]);
    });

    it('a change whose outcome was never recorded, at its intent', () => {
      const c = command(3, { status: 'no result', resultSeq: undefined, exitCode: null, durationMs: null });
      expect(buildDeviations([c])).toEqual([
        {
          seq: 3,
          time: T(3),
          step: 'defrag',
          what: 'no result recorded',
          detail: 'disruptive command etcd defrag on 10.5.0.2 was about to run; its outcome was never recorded',
        },
      ]);
      expect(buildDeviations([{ ...c, node: null }])[0]?.detail).toBe(
        'disruptive command etcd defrag on no node was about to run; its outcome was never recorded',
      );
    });

    it('a change that failed, at its result, with its exit code', () => {
      expect(buildDeviations([command(3, { status: 'failed', exitCode: 1 })])).toEqual([
        { seq: 4, time: T(3), step: 'defrag', what: 'command failed', detail: 'etcd defrag on 10.5.0.2: exit 1' },
      ]);
      expect(buildDeviations([command(3, { status: 'failed', exitCode: null })])[0]?.detail).toBe(
        'etcd defrag on 10.5.0.2: exit none (killed)',
      );
    });

    it('a change that timed out', () => {
      expect(buildDeviations([command(3, { status: 'timed out', timedOut: true, exitCode: null })])).toEqual([
        { seq: 4, time: T(3), step: 'defrag', what: 'command timed out', detail: 'etcd defrag on 10.5.0.2: timed out' },
      ]);
    });

    it('a local write that failed is a deviation too', () => {
      const c = command(3, {
        effect: 'local-write',
        argv: ['etcd', 'snapshot', 'x.db'],
        status: 'failed',
        exitCode: 2,
      });
      expect(buildDeviations([c]).map((d) => d.what)).toEqual(['command failed']);
    });
  });

  describe('checks that gated the run', () => {
    it.each(['precondition', 'postcondition', 'wait'])('a %s whose last verdict failed', (kind) => {
      const got = buildDeviations([step(1, 's', kind), check(2, 's', 'no-alarms', 'fail'), stepEnd(3, 's')]);
      expect(got).toEqual([
        { seq: 2, time: T(2), step: 's', what: 'check failed', detail: 'no-alarms: no-alarms said fail' },
      ]);
    });

    it('undecided (unknown) is named apart from failed', () => {
      const got = buildDeviations([step(1, 's', 'wait'), check(2, 's', 'leader-elected', 'unknown'), stepEnd(3, 's')]);
      expect(got.map((d) => [d.what, d.detail])).toEqual([
        ['check undecided', 'leader-elected: leader-elected said unknown'],
      ]);
    });

    it('only the last verdict of a check counts: a wait that failed then passed is clean', () => {
      const waited = [
        step(1, 's', 'wait'),
        check(2, 's', 'raft-converged', 'fail'),
        check(3, 's', 'raft-converged', 'unknown'),
        check(4, 's', 'raft-converged', 'pass'),
        stepEnd(5, 's'),
      ];
      expect(buildDeviations(waited)).toEqual([]);
      const regressed = [
        step(1, 's', 'wait'),
        check(2, 's', 'raft-converged', 'pass'),
        check(3, 's', 'raft-converged', 'fail'),
        stepEnd(4, 's'),
      ];
      expect(buildDeviations(regressed).map((d) => d.seq)).toEqual([3]);
    });

    it('each check of a step is judged on its own last verdict', () => {
      const got = buildDeviations([
        step(1, 's', 'precondition'),
        check(2, 's', 'no-alarms', 'fail'),
        check(3, 's', 'members-count', 'pass'),
        check(4, 's', 'no-alarms', 'fail'),
        check(5, 's', 'no-learners', 'unknown'),
        stepEnd(6, 's'),
      ]);
      expect(got.map((d) => [d.seq, d.what])).toEqual([
        [4, 'check failed'],
        [5, 'check undecided'],
      ]);
    });

    it("a choice's failing check is a branch taken, not a deviation", () => {
      expect(buildDeviations([step(1, 'c', 'choice'), check(2, 'c', 'alarm-active', 'fail'), stepEnd(3, 'c')])).toEqual(
        [],
      );
    });

    it('a check with no step record is treated as gating (missing context never hides a failure)', () => {
      expect(buildDeviations([check(2, 'orphan', 'no-alarms', 'fail')]).map((d) => [d.step, d.what])).toEqual([
        ['orphan', 'check failed'],
      ]);
    });

    it('a step the run never ended still reports its failed check (the log was cut)', () => {
      expect(
        buildDeviations([step(1, 's', 'precondition'), check(2, 's', 'no-alarms', 'fail')]).map((d) => d.seq),
      ).toEqual([2]);
    });

    it('a step run twice (a loop) judges each run apart', () => {
      const got = buildDeviations([
        step(1, 's', 'precondition'),
        check(2, 's', 'no-alarms', 'fail'),
        stepEnd(3, 's'),
        step(4, 's', 'precondition'),
        check(5, 's', 'no-alarms', 'pass'),
        stepEnd(6, 's'),
      ]);
      expect(got.map((d) => d.seq)).toEqual([2]);
    });
  });

  it('sorts every deviation by record number, whatever order they were found in', () => {
    const got = buildDeviations([
      step(1, 's', 'precondition'),
      check(2, 's', 'no-alarms', 'fail'),
      deviation(3, 'retry', 's'),
      approval(4, { step: 's', voided: { seq: 20, time: T(20), reason: 'drift' } }),
      command(10, { step: 's', status: 'failed', exitCode: 1, resultSeq: 11 }),
      stepEnd(12, 's'),
    ]);
    expect(got.map((d) => d.seq)).toEqual([2, 3, 11, 20]);
  });
});
