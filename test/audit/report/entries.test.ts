import { describe, expect, it } from 'vitest';
import type { AnyRecord, LogRecord, PayloadByType, RecordType } from '../../../src/audit/log-format.js';
import { commandEntry, headerOf, outcomeOf } from '../../../src/audit/report/entries.js';

/**
 * The report's entries made from single records or an intent/result pair: the header an auditor
 * reads first, each call with its status, and how (and how long after the start) the run ended.
 * Records are written out by hand; the chain fields are not read here.
 */

function rec<T extends RecordType>(seq: number, type: T, payload: PayloadByType[T], time: string): LogRecord<T> {
  return { v: 1, seq, time, type, payload, prev: '0'.repeat(64), hash: 'h'.repeat(64) };
}

const START = '2026-11-24T03:12:05.000Z';
const runStart = (params: PayloadByType['run-start']['params'], over: Partial<PayloadByType['run-start']> = {}) =>
  rec(
    1,
    'run-start',
    {
      runbook: 'nospace-recovery',
      runbookSha256: 'abc',
      params,
      operator: 'alice',
      host: 'bastion-1',
      toolVersion: '0.1.0',
      talosctlVersion: 'v1.14.0',
      dryRun: false,
      ...over,
    },
    START,
  ) as AnyRecord;

describe('headerOf', () => {
  it('is null without a run-start first (a log cut at the front, or an empty one)', () => {
    expect(headerOf(undefined)).toBeNull();
    expect(headerOf(rec(1, 'step-start', { step: 's', kind: 'command' }, START) as AnyRecord)).toBeNull();
  });

  it('reads who, what, where and with which tools from the run-start', () => {
    expect(
      headerOf(
        runStart({ nodes: ['172.20.0.2', '172.20.0.3'], maxInUse: 80 }, { dryRun: true, talosctlVersion: null }),
      ),
    ).toEqual({
      runbook: 'nospace-recovery',
      runbookSha256: 'abc',
      operator: 'alice',
      host: 'bastion-1',
      startedAt: START,
      toolVersion: '0.1.0',
      talosctlVersion: null,
      dryRun: true,
      nodes: ['172.20.0.2', '172.20.0.3'],
      params: [
        { name: 'nodes', value: '172.20.0.2,172.20.0.3' },
        { name: 'maxInUse', value: '80' },
      ],
    });
  });

  it('takes the nodes parameter as a list, a comma-separated string, or finds none', () => {
    expect(headerOf(runStart({ nodes: '10.5.0.2,10.5.0.3' }))?.nodes).toEqual(['10.5.0.2', '10.5.0.3']);
    expect(headerOf(runStart({ node: '10.5.0.2' }))?.nodes).toEqual([]);
    expect(headerOf(runStart({ nodes: 3 }))?.nodes).toEqual([]);
    expect(headerOf(runStart({ nodes: [1, 'b'] }))?.nodes).toEqual(['1', 'b']);
  });

  it('writes each parameter as text: strings bare, string lists joined, anything else as JSON', () => {
    const params = headerOf(
      runStart({ s: 'x y', l: ['a', 'b'], mixed: ['a', 1], n: 0, b: false, o: { k: 'v' }, nil: null, empty: [] }),
    )?.params;
    expect(params).toEqual([
      { name: 's', value: 'x y' },
      { name: 'l', value: 'a,b' },
      { name: 'mixed', value: '["a",1]' },
      { name: 'n', value: '0' },
      { name: 'b', value: 'false' },
      { name: 'o', value: '{"k":"v"}' },
      { name: 'nil', value: 'null' },
      { name: 'empty', value: '' },
    ]);
  });
});

const intent = (seq: number, effect: PayloadByType['command-intent']['effect'] = 'disruptive') =>
  rec(seq, 'command-intent', { step: 'defrag', argv: ['etcd', 'defrag'], node: '172.20.0.3', effect }, `T${seq}`);
const result = (seq: number, over: Partial<PayloadByType['command-result']> = {}) =>
  rec(
    seq,
    'command-result',
    {
      step: 'defrag',
      argv: ['etcd', 'defrag'],
      node: '172.20.0.3',
      exitCode: 0,
      durationMs: 4200,
      stdout: 'done\n',
      stderr: '',
      timedOut: false,
      ...over,
    },
    `T${seq}`,
  );

describe('commandEntry', () => {
  it('refuses a call with neither intent nor result (a bug in the caller)', () => {
    expect(() => commandEntry(undefined, undefined)).toThrow('a call needs an intent or a result');
  });

  it('an intent with no result: outcome unknown, placed at the intent', () => {
    expect(commandEntry(intent(15), undefined)).toEqual({
      kind: 'command',
      seq: 15,
      time: 'T15',
      step: 'defrag',
      argv: ['etcd', 'defrag'],
      node: '172.20.0.3',
      effect: 'disruptive',
      exitCode: null,
      durationMs: null,
      timedOut: false,
      stdout: '',
      stderr: '',
      status: 'no result',
    });
  });

  it('an intent with its result: ok at the intent, with the result seq and output', () => {
    expect(commandEntry(intent(15), result(16, { ref: 'cmd-16' }))).toEqual({
      kind: 'command',
      seq: 15,
      time: 'T15',
      step: 'defrag',
      argv: ['etcd', 'defrag'],
      node: '172.20.0.3',
      effect: 'disruptive',
      resultSeq: 16,
      exitCode: 0,
      durationMs: 4200,
      timedOut: false,
      stdout: 'done\n',
      stderr: '',
      ref: 'cmd-16',
      status: 'ok',
    });
  });

  it('a result alone is a read, placed at the result', () => {
    const e = commandEntry(undefined, result(3));
    expect([e.seq, e.time, e.effect, e.resultSeq, e.status]).toEqual([3, 'T3', 'read', 3, 'ok']);
  });

  it('a non-zero exit is failed; no exit code at all is failed too', () => {
    expect(commandEntry(intent(15), result(16, { exitCode: 1, stderr: 'boom' }))).toMatchObject({
      status: 'failed',
      exitCode: 1,
      stderr: 'boom',
    });
    expect(commandEntry(intent(15), result(16, { exitCode: null })).status).toBe('failed');
  });

  it('a time-out wins over any exit code', () => {
    expect(commandEntry(intent(15), result(16, { timedOut: true, exitCode: null })).status).toBe('timed out');
    expect(commandEntry(intent(15), result(16, { timedOut: true, exitCode: 0 })).status).toBe('timed out');
  });

  it('keeps notAsked and parseError only when the result has them', () => {
    const e = commandEntry(
      undefined,
      result(3, {
        timedOut: true,
        exitCode: null,
        notAsked: '172.20.0.3 timed out at record 2',
        parseError: 'bad row',
      }),
    );
    expect([e.notAsked, e.parseError, e.status]).toEqual(['172.20.0.3 timed out at record 2', 'bad row', 'timed out']);
    const plain = commandEntry(intent(15), result(16));
    expect(['notAsked', 'parseError', 'ref'].filter((k) => k in plain)).toEqual([]);
  });

  it('reads step, argv and node from the intent, not the result', () => {
    const e = commandEntry(intent(15, 'irreversible'), result(16, { step: 'other', argv: ['x'], node: null }));
    expect([e.step, e.argv, e.node, e.effect]).toEqual(['defrag', ['etcd', 'defrag'], '172.20.0.3', 'irreversible']);
  });
});

describe('outcomeOf', () => {
  const header = headerOf(runStart({}));
  const end = (seq: number, outcome: string, exitCode: number, time: string) =>
    rec(seq, 'run-end', { outcome, exitCode }, time) as AnyRecord;

  it('no run-end: every field null', () => {
    expect(outcomeOf([runStart({})], header)).toEqual({
      outcome: null,
      exitCode: null,
      endedAt: null,
      timeToRecoverMs: null,
    });
  });

  it('the run-end, and the time from run-start to it', () => {
    expect(outcomeOf([runStart({}), end(2, 'done', 0, '2026-11-24T03:19:56.200Z')], header)).toEqual({
      outcome: 'done',
      exitCode: 0,
      endedAt: '2026-11-24T03:19:56.200Z',
      timeToRecoverMs: 471_200,
    });
  });

  it('after a resume the LAST run-end tells how it ended, timed from the first start', () => {
    const records = [
      runStart({}),
      end(2, 'interrupted', 130, '2026-11-24T03:13:05.000Z'),
      end(5, 'done', 0, '2026-11-24T04:12:05.000Z'),
    ];
    expect(outcomeOf(records, header)).toEqual({
      outcome: 'done',
      exitCode: 0,
      endedAt: '2026-11-24T04:12:05.000Z',
      timeToRecoverMs: 3_600_000,
    });
  });

  it('without a header there is no time to recover', () => {
    expect(outcomeOf([end(2, 'failed', 1, '2026-11-24T03:13:05.000Z')], null)).toEqual({
      outcome: 'failed',
      exitCode: 1,
      endedAt: '2026-11-24T03:13:05.000Z',
      timeToRecoverMs: null,
    });
  });
});
