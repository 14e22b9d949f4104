import { describe, expect, it } from 'vitest';
import type { AnyRecord, PayloadByType } from '../../src/audit/log-format.js';
import { Journal } from '../../src/engine/journal.js';
import { replayTalosctl } from '../../src/engine/replay-talosctl.js';
import { memorySink, steppingClock } from '../helpers/sample-log.js';

/**
 * `run --dry-run --replay <log>`: each call gets the next recorded result of the same node and
 * argv (the last one again when they run out); a call the log never saw is refused with a clear
 * error; nothing is spawned and a replayed call takes no time.
 */
const res = (node: string, argv: string[], stdout: string, exitCode = 0): PayloadByType['command-result'] => ({
  step: 's',
  argv,
  node,
  exitCode,
  durationMs: 1234,
  stdout,
  stderr: '',
  timedOut: false,
});
function recordsOf(...payloads: PayloadByType['command-result'][]): AnyRecord[] {
  const j = Journal.create('mem', { sink: memorySink(), clock: steppingClock() });
  const out: AnyRecord[] = [j.append('step-start', { step: 's', kind: 'talosctl' }) as AnyRecord];
  for (const p of payloads) out.push(j.append('command-result', p) as AnyRecord);
  return out;
}
const STATUS = ['etcd', 'status'];

describe('replayTalosctl', () => {
  const t = replayTalosctl(
    recordsOf(
      res('10.0.0.1', STATUS, 'first'),
      res('10.0.0.2', STATUS, 'other node'),
      res('10.0.0.1', STATUS, 'second', 1),
    ),
  );

  it('answers each call with the next recorded result of that node and argv, then the last one again', async () => {
    const a = await t.run('10.0.0.1', STATUS);
    const b = await t.run('10.0.0.1', STATUS);
    const c = await t.run('10.0.0.1', STATUS);
    expect([a.stdout, b.stdout, c.stdout]).toEqual(['first', 'second', 'second']);
    expect([a.exitCode, b.exitCode]).toEqual([0, 1]);
    expect(a).toMatchObject({
      node: '10.0.0.1',
      argv: ['--nodes', '10.0.0.1', 'etcd', 'status'],
      binary: 'replay',
      durationMs: 0,
      pid: undefined,
    });
  });

  it('keeps nodes apart', async () => {
    const r = await t.runEach(['10.0.0.2'], STATUS);
    expect(r.map((x) => x.stdout)).toEqual(['other node']);
  });

  it('a call the log never saw (another node, another argv, an argv prefix) is refused, naming it', async () => {
    await expect(t.run('10.0.0.3', STATUS)).rejects.toThrow(
      'replay: the recorded log has no answer for talosctl -n 10.0.0.3 etcd status',
    );
    await expect(t.run('10.0.0.1', ['etcd', 'members'])).rejects.toThrow('talosctl -n 10.0.0.1 etcd members');
    await expect(t.run('10.0.0.1', ['etcd'])).rejects.toThrow('no answer');
    // argv elements are not joined into one string: ['etcd status'] is not ['etcd', 'status']
    await expect(t.run('10.0.0.1', ['etcd status'])).rejects.toThrow('no answer');
  });

  it('has no client version to offer (a replayed log is no binary)', async () => {
    const v = await t.clientVersion();
    expect(v.version.ok).toBe(false);
  });
});
