import { describe, expect, it } from 'vitest';
import {
  type AnyRecord,
  GENESIS,
  makeRecord,
  type PayloadByType,
  type RecordType,
} from '../../src/audit/log-format.js';
import { pairApprovals, pairCommands, refFor, resultsByRef, settles } from '../../src/audit/pairs.js';
import { buildReport, type CommandEntry, type Integrity } from '../../src/audit/report/model.js';

// The one record model: which record answers which, for replay, log replay and the report alike.

function log(...items: Array<[RecordType, unknown]>): AnyRecord[] {
  return items.map(([type, payload], i) =>
    makeRecord(type, payload as PayloadByType[typeof type], {
      seq: i + 1,
      time: `2026-01-01T00:00:0${i % 10}.000Z`,
      prev: GENESIS,
    }),
  ) as AnyRecord[];
}

const argv = ['etcd', 'remove-member', 'f3e2d1c0b9a89776'];
const intent = (node = '10.5.0.2'): [RecordType, unknown] => [
  'command-intent',
  { step: 'remove', argv, node, effect: 'irreversible' },
];
const result = (o: { argv?: string[]; interrupted?: boolean; ref?: string } = {}): [RecordType, unknown] => [
  'command-result',
  {
    step: 'remove',
    argv: o.argv ?? argv,
    node: '10.5.0.2',
    exitCode: 0,
    durationMs: 5,
    stdout: '',
    stderr: '',
    timedOut: false,
    ...(o.interrupted ? { interrupted: true } : {}),
    ...(o.ref ? { ref: o.ref } : {}),
  },
];

describe('pairCommands', () => {
  it('a resumed retry owns the result: the intent a crash cut short stays without one', () => {
    const records = log(intent(), intent(), result());
    const pairs = pairCommands(records);
    expect(pairs.map((p) => [p.intent?.seq, p.result?.seq])).toEqual([
      [1, undefined],
      [2, 3],
    ]);
    // the report reads the same pairs: the first attempt has no result, the retry succeeded
    const integrity = {} as Integrity;
    const calls = buildReport(records, integrity).timeline.filter((e): e is CommandEntry => e.kind === 'command');
    expect(calls.map((c) => [c.seq, c.status, c.resultSeq])).toEqual([
      [1, 'no result', undefined],
      [2, 'ok', 3],
    ]);
  });

  it('a read under the step while the change is in flight is beside it, never its result', () => {
    const pairs = pairCommands(log(intent(), result({ argv: ['etcd', 'members'] }), result()));
    expect(pairs.map((p) => [p.intent?.seq, p.result?.seq, p.beside ?? false])).toEqual([
      [1, 3, false],
      [undefined, 2, true],
    ]);
  });

  it('a result no intent waits for is a read of its own; one cut short settles nothing', () => {
    const pairs = pairCommands(log(result({ argv: ['etcd', 'status'] }), intent(), result({ interrupted: true })));
    expect(pairs.map((p) => [p.intent?.seq, p.result?.seq])).toEqual([
      [undefined, 1],
      [2, 3],
    ]);
    expect(settles(pairs[1]?.result)).toBe(false);
    expect(settles(pairs[0]?.result)).toBe(true);
    expect(settles(undefined)).toBe(false);
  });
});

describe('pairApprovals and resultsByRef', () => {
  it('an approval answers the latest unanswered gate of its step; one with no gate answers none', () => {
    const req = (step: string): [RecordType, unknown] => [
      'approval-request',
      { step, prompt: 'p', fingerprint: 'f', token: 'yes' },
    ];
    const ok = (step: string): [RecordType, unknown] => [
      'approval',
      { step, who: 'op', how: 'tty', when: 'w', fingerprint: 'f', approved: true },
    ];
    const pairs = pairApprovals(log(req('a'), req('a'), ok('a'), ok('a'), ok('a'), ok('b')));
    expect([...pairs.entries()].map(([seq, r]) => [seq, r?.seq])).toEqual([
      [3, 2],
      [4, 1],
      [5, undefined],
      [6, undefined],
    ]);
  });

  it('finds the reads a check names by ref, the ref being the result record seq', () => {
    const records = log(result({ ref: refFor(1), argv: ['etcd', 'members'] }), result({ argv: ['etcd', 'status'] }));
    const byRef = resultsByRef(records);
    expect([...byRef.keys()]).toEqual(['cmd-1']);
    expect(byRef.get('cmd-1')?.argv).toEqual(['etcd', 'members']);
  });
});
