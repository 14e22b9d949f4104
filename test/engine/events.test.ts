import { describe, expect, it } from 'vitest';
import { GENESIS, makeRecord, type PayloadByType, type RecordType } from '../../src/audit/log-format.js';
import { createRunEvents, type RunEvent } from '../../src/engine/events.js';
import { renderPlain } from '../../src/engine/progress.js';
import { F_IDS, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go } from './harness.js';

// One stream of coded run events: the run tells every fact once; the views and callers listen.

/** The codes in order, a run of the same code folded into `CODE×n` (reads come in threes). */
function codes(events: readonly RunEvent[]): string[] {
  const out: Array<[string, number]> = [];
  for (const e of events) {
    const last = out.at(-1);
    if (last?.[0] === e.code) last[1]++;
    else out.push([e.code, 1]);
  }
  return out.map(([c, n]) => (n === 1 ? c : `${c}×${n}`));
}

let seq = 0;
function rec<T extends RecordType>(type: T, payload: PayloadByType[T]) {
  seq++;
  return makeRecord(type, payload, { seq, time: '2026-01-01T00:00:00.000Z', prev: GENESIS });
}

describe('run events', () => {
  it('a run with --approve tells its facts in order, each with its code', async () => {
    const { events, result } = await go({ fake: fakeTalosctl(), approve: ['confirm-remove'] });
    expect(result.exitCode).toBe(0);
    expect(codes(events)).toEqual([
      'TDR_I_RUN_START', // the session's run-start record (the cluster identity read before it tells nothing)
      'TDR_I_STEP_START', // pre
      'TDR_I_COMMAND_RESULT×3', // member list on each node
      'TDR_I_CHECK_VERDICT',
      'TDR_I_STEP_START', // confirm-remove: the gate reads the cluster
      'TDR_I_COMMAND_RESULT×12',
      'TDR_I_GATE',
      'TDR_I_APPROVAL',
      'TDR_I_STEP_START', // remove: the approval is checked again, then the intent before the call
      'TDR_I_COMMAND_RESULT×12',
      'TDR_I_APPROVAL_RECHECK',
      'TDR_I_COMMAND_INTENT',
      'TDR_I_COMMAND_RESULT',
      'TDR_I_NODE_RESULT',
      'TDR_I_STEP_START', // gone
      'TDR_I_COMMAND_RESULT×3',
      'TDR_I_CHECK_VERDICT',
      'TDR_I_RUN_END',
      'TDR_I_RUN_SUMMARY', // after the log is closed: what the terminal's last lines say
    ]);
  });

  it('each event about a fact carries the very record the log holds (one fact, one place)', async () => {
    const { events, records } = await go({ fake: fakeTalosctl(), approve: ['confirm-remove'] });
    const told = events.flatMap((e) => ('record' in e.data ? [e.data.record] : []));
    // every told record is in the log as written (same hash), in the same order
    const bySeq = new Map(records.map((r) => [r.seq, r.hash]));
    for (const r of told) expect(bySeq.get(r.seq)).toBe(r.hash);
    expect(told.map((r) => r.seq)).toEqual([...told.map((r) => r.seq)].sort((a, b) => a - b));
    // the flag approval's deviation is told with it, not as a fact of its own
    const approval = events.find((e) => e.code === 'TDR_I_APPROVAL');
    expect(approval?.code === 'TDR_I_APPROVAL' && approval.data.flag?.record.payload.kind).toBe('flag-approval');
    // nothing the log holds is left untold (the run-start included: the session tells it), except
    // the records an event carries beside its own
    const carried = new Set(
      events.flatMap((e) => (e.code === 'TDR_I_APPROVAL' && e.data.flag ? [e.data.flag.record.seq] : [])),
    );
    const untold = records.filter((r) => !told.some((t) => t.seq === r.seq) && !carried.has(r.seq));
    expect(untold.map((r) => r.type)).toEqual([]);
  });

  it('a stop at the gate tells the gate and the stop, and nothing irreversible', async () => {
    const { events } = await go({ fake: fakeTalosctl() });
    expect(codes(events).slice(-4)).toEqual(['TDR_I_GATE', 'TDR_W_GATE_STOPPED', 'TDR_I_RUN_END', 'TDR_I_RUN_SUMMARY']);
    expect(events.some((e) => e.code === 'TDR_I_COMMAND_INTENT')).toBe(false);
  });

  it('the plain view is a pure function of the events: a recorded list renders to this exact text', () => {
    const events: RunEvent[] = [
      { code: 'TDR_I_DRY_RUN', data: {} },
      {
        code: 'TDR_I_STEP_START',
        data: {
          record: rec('step-start', { step: 'pre', kind: 'precondition', title: 'pre' }),
          depth: 0,
          replayed: false,
        },
      },
      {
        code: 'TDR_I_CHECK_VERDICT',
        data: {
          shown: {
            stepId: 'pre',
            check: 'member-present',
            mode: 'precondition',
            poll: 0,
            verdict: 'pass',
            summary: 'listed by all 3',
            question: 'pre',
          },
          record: rec('check', {
            step: 'pre',
            name: 'member-present',
            args: {},
            observed: {},
            verdict: 'pass',
            summary: 'listed by all 3',
          }),
        },
      },
      {
        code: 'TDR_I_STEP_START',
        data: {
          record: rec('step-start', { step: 'catch-up', kind: 'wait', title: 'Wait' }),
          depth: 1,
          replayed: false,
        },
      },
      {
        code: 'TDR_I_CHECK_VERDICT',
        data: {
          shown: {
            stepId: 'catch-up',
            check: 'raft-converged',
            mode: 'wait',
            poll: 0,
            verdict: 'fail',
            summary: 'spread 5000',
            question: 'Wait',
            polls: { max: 31, timeoutMs: 300_000 },
          },
          record: rec('check', {
            step: 'catch-up',
            name: 'raft-converged',
            args: {},
            observed: {},
            verdict: 'fail',
            summary: 'spread 5000',
          }),
        },
      },
      {
        // an unchanged poll is heard by listeners but not drawn again
        code: 'TDR_I_WAIT_POLL',
        data: {
          shown: {
            stepId: 'catch-up',
            check: 'raft-converged',
            mode: 'wait',
            poll: 1,
            verdict: 'fail',
            summary: 'spread 5000',
            question: 'Wait',
            polls: { max: 31, timeoutMs: 300_000 },
          },
          record: rec('check', {
            step: 'catch-up',
            name: 'raft-converged',
            args: {},
            observed: {},
            verdict: 'fail',
            summary: 'spread 5000',
          }),
        },
      },
      {
        code: 'TDR_I_NODE_RESULT',
        data: { stepId: 'remove', node: '10.5.0.2', ok: false, summary: 'exit 1: boom', durationMs: 1234 },
      },
      {
        code: 'TDR_I_GATE',
        data: {
          record: rec('approval-request', {
            step: 'c',
            prompt: 'GATE c: Go?\n  Target: node 10.5.0.4',
            fingerprint: 'f',
            token: '10.5.0.4',
          }),
        },
      },
      { code: 'TDR_W_TOKEN_MISMATCH', data: { stepId: 'c', answer: 'yes', expected: '10.5.0.4', triesLeft: 2 } },
      {
        code: 'TDR_I_APPROVAL',
        data: {
          record: rec('approval', { step: 'c', who: 'op', how: 'tty', when: 'w', fingerprint: 'f', approved: false }),
        },
      },
      { code: 'TDR_I_RUN_END', data: { record: rec('run-end', { outcome: 'declined', exitCode: 3 }) } },
      {
        code: 'TDR_I_RUN_SUMMARY',
        data: {
          outcome: 'declined',
          exitCode: 3,
          stepId: 'c',
          message: 'declined',
          unanswered: [],
          logPath: '/l.jsonl',
        },
      },
    ];
    expect(renderPlain(events)).toBe(
      [
        'DRY RUN: reads are live, nothing that changes the cluster will run',
        '▶ pre',
        '  ✔ PASS member-present: listed by all 3',
        '  ▶ catch-up — Wait',
        '    … waiting (poll 1 of at most 31, 300s in all) raft-converged: spread 5000',
        '    ✘ 10.5.0.2: exit 1: boom (1.2s)',
        '',
        '┃ GATE c: Go?',
        '┃   Target: node 10.5.0.4',
        '    "yes" does not match: type 10.5.0.4 exactly (2 tries left)',
        '  ■ declined at c: nothing more was changed',
        '  ',
        '■ run declined at c: declined (exit 3)',
        '  To continue: talos-dr resume /l.jsonl --approve c',
        '',
      ].join('\n'),
    );
    // the same list renders the same text again: nothing but the events goes in
    expect(renderPlain(events)).toBe(renderPlain(events));
  });

  it('a listener that throws breaks neither the run nor its log, and the other listeners hear everything', async () => {
    const quiet = await go({ fake: fakeTalosctl(), approve: ['confirm-remove'] });
    let thrown = 0;
    const loud = await go({
      fake: fakeTalosctl(),
      approve: ['confirm-remove'],
      onEvent: () => {
        thrown++;
        throw new Error('the view fell over');
      },
    });
    expect(thrown).toBeGreaterThan(10);
    expect(loud.result).toEqual(quiet.result);
    // the harness verified the chain; the log holds the same records as the quiet run's
    expect(loud.records.map((r) => r.type)).toEqual(quiet.records.map((r) => r.type));
    expect(codes(loud.events)).toEqual(codes(quiet.events));
    expect(loud.records.find((r) => r.type === 'command-intent')?.payload).toMatchObject({
      argv: ['etcd', 'remove-member', F_IDS[2]],
    });
  });

  it('the emitter keeps what a listener threw, and an unsubscribed listener hears nothing more', () => {
    const heard: string[] = [];
    const bus = createRunEvents();
    const bad = (): void => {
      throw new Error('x');
    };
    bus.subscribe(bad);
    const off = bus.subscribe((e) => heard.push(e.code));
    bus.emit({ code: 'TDR_I_DRY_RUN', data: {} });
    bus.emit({ code: 'TDR_I_DRY_RUN', data: {} });
    expect(bus.failures).toEqual([{ error: new Error('x'), count: 2 }]);
    off();
    bus.unsubscribe(bad);
    bus.emit({ code: 'TDR_I_DRY_RUN', data: {} });
    expect(heard).toEqual(['TDR_I_DRY_RUN', 'TDR_I_DRY_RUN']);
    expect(bus.failures[0]?.count).toBe(2);
  });
});
