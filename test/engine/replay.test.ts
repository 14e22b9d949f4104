import { describe, expect, it } from 'vitest';
import type { AnyRecord, PayloadByType, RecordType } from '../../src/audit/log-format.js';
import { Journal } from '../../src/engine/journal.js';
import { createReplay } from '../../src/engine/replay.js';
import { memorySink, steppingClock } from '../helpers/sample-log.js';

/**
 * The replay hands each recorded output back to the same invocation, in order; the first
 * invocation with nothing recorded is the frontier, after which nothing is replayed. An intent
 * without a settling result is handed back as such (outcome unknown: the engine never re-runs it
 * on its own); an approval is replayed only if a command it guards was started after it.
 */
function log() {
  const j = Journal.create('mem', { sink: memorySink(), clock: steppingClock() });
  const records: AnyRecord[] = [];
  const add = <T extends RecordType>(type: T, payload: PayloadByType[T]) => {
    records.push(j.append(type, payload) as AnyRecord);
    return add;
  };
  return { records, add };
}
const ARGV = ['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'];
const intent = (step: string, node = '10.0.0.1', argv = ARGV) =>
  ({ step, argv, node, effect: 'irreversible' }) as const;
const result = (step: string, node = '10.0.0.1', over: Partial<PayloadByType['command-result']> = {}, argv = ARGV) => ({
  step,
  argv,
  node,
  exitCode: 0,
  durationMs: 3,
  stdout: '',
  stderr: '',
  timedOut: false,
  ...over,
});
const check = (step: string, verdict: 'pass' | 'fail' = 'pass') => ({
  step,
  name: 'member-absent',
  args: {},
  observed: {},
  verdict,
  summary: `${step} ${verdict}`,
});
const approval = (step: string, approved = true) => ({
  step,
  who: 'alice',
  how: 'tty' as const,
  when: '2026-11-24T03:00:00Z',
  fingerprint: 'f'.repeat(64),
  approved,
});
const TALOSCTL = new Set(['rm', 'st']);
const guards = (id: string) => (id === 'c' ? ['rm'] : []);
const replayOf = (records: AnyRecord[]) => createReplay(records, TALOSCTL, guards, new Set(['m']));

describe('createReplay', () => {
  it('an intent with its result: handed back once, then nothing (the frontier: live from there)', () => {
    const l = log();
    l.add('command-intent', intent('rm'))('command-result', result('rm'));
    const r = replayOf(l.records);
    expect(r.hasCommand('rm')).toBe(true);
    const g = r.command('rm', '10.0.0.1');
    expect(g?.intent?.payload.step).toBe('rm');
    expect(g?.result?.payload.exitCode).toBe(0);
    expect(r.replayed).toBe(1);
    expect(r.live).toBe(false);
    expect(r.command('rm', '10.0.0.1')).toBeUndefined();
    expect(r.live).toBe(true);
    // after the frontier nothing more is replayed, even what is still queued elsewhere
    expect(r.hasCommand('rm')).toBe(false);
  });

  it('an intent with no result (a crash): handed back without a result, so the engine sees an unknown outcome', () => {
    const l = log();
    l.add('command-intent', intent('rm'));
    const g = replayOf(l.records).command('rm', '10.0.0.1');
    expect(g?.intent).toBeDefined();
    expect(g?.result).toBeUndefined();
    expect(g?.settledLater).toBe(false);
  });

  it('a result cut short (interrupted) does not settle its intent: still unknown', () => {
    const l = log();
    l.add('command-intent', intent('rm'))(
      'command-result',
      result('rm', '10.0.0.1', { interrupted: true, exitCode: null }),
    );
    const g = replayOf(l.records).command('rm', '10.0.0.1');
    expect(g?.intent).toBeDefined();
    expect(g?.result).toBeUndefined();
  });

  it('an unknown outcome a later resume went on past is marked settledLater (replayed, not the frontier)', () => {
    const l = log();
    l.add('command-intent', intent('rm'))('check', check('rm:reobserve', 'fail'))('approval', approval('rm'));
    l.add('command-intent', intent('rm'))('command-result', result('rm'));
    const r = replayOf(l.records);
    expect(r.command('rm', '10.0.0.1')?.settledLater).toBe(true);
    const second = r.command('rm', '10.0.0.1');
    expect(second?.result).toBeDefined();
  });

  it('calls are keyed by step and node, in order per key', () => {
    const l = log();
    const st = ['etcd', 'status'];
    l.add('command-result', result('st', '10.0.0.2', { stdout: 'two' }, st))(
      'command-result',
      result('st', '10.0.0.1', { stdout: 'one' }, st),
    );
    l.add('command-result', result('st', '10.0.0.1', { stdout: 'one again' }, st));
    const r = replayOf(l.records);
    expect(r.command('st', '10.0.0.1')?.result?.payload.stdout).toBe('one');
    expect(r.command('st', '10.0.0.2')?.result?.payload.stdout).toBe('two');
    expect(r.command('st', '10.0.0.1')?.result?.payload.stdout).toBe('one again');
    expect(r.command('st', '10.0.0.3')).toBeUndefined();
  });

  it("a result with no intent of a step that is not a talosctl step (a check's read) is not a command output", () => {
    const l = log();
    l.add('command-result', result('pre', '10.0.0.1', {}, ['etcd', 'members']));
    expect(replayOf(l.records).command('pre', '10.0.0.1')).toBeUndefined();
  });

  it('an approval is replayed only when a command it guards started after it; a declined one never', () => {
    const used = log();
    used.add('approval', approval('c'))('command-intent', intent('rm'));
    expect(replayOf(used.records).approval('c')?.payload.approved).toBe(true);

    const unused = log();
    unused.add('approval', approval('c'))('command-intent', intent('other'));
    expect(replayOf(unused.records).approval('c')).toBeUndefined();

    const before = log();
    before.add('command-intent', intent('rm'))('approval', approval('c'));
    expect(replayOf(before.records).approval('c')).toBeUndefined();

    const declined = log();
    declined.add('approval', approval('c', false))('command-intent', intent('rm'));
    expect(replayOf(declined.records).approval('c')).toBeUndefined();
  });

  it('an approval with no guards counts as used by any talosctl command after it', () => {
    const l = log();
    l.add('approval', approval('solo'))('command-intent', intent('st'));
    expect(replayOf(l.records).approval('solo')).toBeDefined();
  });

  it('checks, observations and manual steps are queued per step; a step-end of another step is not a manual answer', () => {
    const l = log();
    l.add('check', check('w', 'fail'))('check', check('w', 'pass'));
    l.add('observation', { step: 'r', name: 'lost-member', args: {}, ok: true, outputs: { node: 'x' }, summary: 's' });
    l.add('step-end', { step: 'm', outcome: 'done' })('step-end', { step: 'x', outcome: 'done' });
    const r = replayOf(l.records);
    expect(r.check('w')?.payload.verdict).toBe('fail');
    expect(r.check('w')?.payload.verdict).toBe('pass');
    expect(r.observation('r')?.payload.outputs).toEqual({ node: 'x' });
    expect(r.manual('m')?.payload.outcome).toBe('done');
    expect(r.replayed).toBe(4);
    expect(r.manual('x')).toBeUndefined();
    expect(r.live).toBe(true);
  });

  it('pollsExhausted: no poll of the step left while other records remain; false once live or when polls remain', () => {
    const l = log();
    l.add('check', check('w', 'fail'))('check', check('after'));
    const r = replayOf(l.records);
    expect(r.pollsExhausted('w')).toBe(false);
    r.check('w');
    expect(r.pollsExhausted('w')).toBe(true);
    r.check('after');
    // nothing left to replay at all: not "exhausted here", simply the end of the log
    expect(r.pollsExhausted('w')).toBe(false);
    r.goLive();
    expect(r.pollsExhausted('w')).toBe(false);
  });

  it('goLive stops every replay at once', () => {
    const l = log();
    l.add('check', check('w'));
    const r = replayOf(l.records);
    r.goLive();
    expect(r.live).toBe(true);
    expect(r.check('w')).toBeUndefined();
    expect(r.replayed).toBe(0);
  });
});
