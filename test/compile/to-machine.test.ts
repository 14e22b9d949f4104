import { describe, expect, it } from 'vitest';
import { failRun, okRun, runRunbook } from './run-machine.js';

const NOSPACE = 'runbooks/nospace-recovery.yaml';
const LOST = 'fixtures/runbooks/valid/remove-lost-member.yaml';
const nodes = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];
const order = {
  order: ['10.0.0.2', '10.0.0.3', '10.0.0.1'],
  followers: ['10.0.0.2', '10.0.0.3'],
  leader: '10.0.0.1',
  probe: '10.0.0.2',
  rest: ['10.0.0.3'],
};
const lost = { node: '10.0.0.3', member: '0a1b2c3d4e5f6a7b', reachable: false, isLeader: false };

describe('compiled nospace-recovery', () => {
  it('defrags in the observed rolling order, one node at a time, then disarms on the leader', async () => {
    const { output, log } = await runRunbook(NOSPACE, { nodes, maxSizeAfter: 70 }, { observe: () => order });
    expect(output).toEqual({
      outcome: 'success',
      stepId: 'done',
      message: 'Every member was defragmented and the alarm is cleared.',
    });
    const commands = log
      .filter((l) => l.includes('talosctl') || l.includes('member-healthy'))
      .map((l) => l.replace(/^t=\S+ /, ''));
    const healthy = (n: string) =>
      `wait member-healthy {"node":"${n}","nodes":${JSON.stringify(nodes)},"ignoreAlarm":"NOSPACE"} → pass`;
    // the before/after status and alarms are the checks' own reads (require-nospace, order, ...)
    expect(commands).toEqual([
      'talosctl etcd defrag @10.0.0.2 [disruptive]',
      healthy('10.0.0.2'),
      'talosctl etcd defrag @10.0.0.3 [disruptive]',
      healthy('10.0.0.3'),
      'talosctl etcd forfeit-leadership @10.0.0.1 [disruptive]',
      'talosctl etcd defrag @10.0.0.1 [disruptive]',
      healthy('10.0.0.1'),
      'talosctl etcd alarm disarm @10.0.0.1 [irreversible]',
    ]);
  });

  it('stops with guidance after defragmenting only the probe when defrag cannot help (choice)', async () => {
    const { output, log } = await runRunbook(
      NOSPACE,
      { nodes, maxSizeAfter: 70 },
      { observe: () => order, check: (i) => (i.check === 'db-size-dropped' ? 'fail' : 'pass') },
    );
    expect(output.outcome).toBe('precondition-failed');
    expect(output.stepId).toBe('defrag-cannot-help');
    // exactly one defrag (the probe follower), never the others, never a disarm
    expect(log.filter((l) => l.includes('defrag @')).map((l) => l.replace(/^t=\S+ /, ''))).toEqual([
      'talosctl etcd defrag @10.0.0.2 [disruptive]',
    ]);
    expect(log.some((l) => l.includes('disarm'))).toBe(false);
  });

  it('continues past a failed non-critical step (onFailure: continue)', async () => {
    const { output } = await runRunbook(
      NOSPACE,
      { nodes, maxSizeAfter: 70 },
      {
        observe: () => order,
        talosctl: (i) => (i.argv[1] === 'status' ? failRun() : okRun()),
      },
    );
    expect(output.outcome).toBe('success');
  });

  it('ends declined at a refused confirm, before the guarded step', async () => {
    const { output, log } = await runRunbook(
      NOSPACE,
      { nodes, maxSizeAfter: 70 },
      { observe: () => order, approve: () => false },
    );
    expect(output).toEqual({ outcome: 'declined', stepId: 'confirm-disarm', message: 'declined by the operator' });
    expect(log.some((l) => l.includes('disarm @'))).toBe(false);
  });

  it('aborts when the precondition does not hold', async () => {
    const { output } = await runRunbook(NOSPACE, { nodes, maxSizeAfter: 70 }, { check: () => 'fail' });
    expect(output).toMatchObject({ outcome: 'precondition-failed', stepId: 'require-nospace' });
  });
});

describe('compiled remove-lost-member', () => {
  it('retries with backoff on the clock and flows captures into checks and argv', async () => {
    let snapshots = 0;
    const { output, log } = await runRunbook(
      LOST,
      { nodes, healthy: '10.0.0.1', snapshotPath: './db', members: 3 },
      {
        observe: () => lost,
        talosctl: (i) => {
          if (i.argv[1] !== 'snapshot') return okRun();
          snapshots++;
          return snapshots < 3
            ? failRun()
            : {
                ok: true,
                results: [],
                captured: { path: './db', bytes: 544, hash: 'abcd1234', revision: 9, totalKeys: 3 },
              };
        },
      },
    );
    expect(output.outcome).toBe('success');
    expect(log.filter((l) => l.includes('talosctl etcd snapshot')).map((l) => l.split(' ')[0])).toEqual([
      't=0',
      't=2',
      't=8',
    ]);
    expect(log).toContain('t=8 postcondition snapshot-verified {"path":"./db"} → pass');
    const i = log.findIndex((l) => l.includes('ask confirm-remove'));
    expect(log[i]).toBe('t=8 ask confirm-remove token={"type":"memberId","value":"0a1b2c3d4e5f6a7b"} guards=remove');
    expect(log[i + 1]).toBe('t=8 recheck remove approval=confirm-remove/fp-1');
    expect(log[i + 2]).toBe('t=8 talosctl etcd remove-member 0a1b2c3d4e5f6a7b @10.0.0.1 [irreversible]');
  });

  it('polls a wait with backoff up to its timeout, then takes the onFailure goto', async () => {
    const { output, log } = await runRunbook(
      LOST,
      { nodes, healthy: '10.0.0.1', snapshotPath: './db', members: 3 },
      {
        observe: () => lost,
        talosctl: (i) =>
          i.argv[1] === 'snapshot'
            ? { ok: true, results: [], captured: { path: './db', bytes: 1, hash: 'h', revision: 1, totalKeys: 1 } }
            : okRun(),
        check: (i) => (i.check === 'members-count' ? 'fail' : 'pass'),
      },
    );
    expect(output).toEqual({ outcome: 'failed', stepId: 'stuck', message: 'the node did not rejoin in time' });
    const polls = log.filter((l) => l.includes('members-count')).map((l) => Number(l.split(' ')[0]?.slice(2)));
    // interval 10s, doubling, capped at 1m, for at most 10m
    expect(polls.slice(0, 6)).toEqual([0, 10, 30, 70, 130, 190]);
    expect(polls.at(-1)).toBeLessThan(600);
    expect(polls.length).toBe(12);
  });

  it('stops before an irreversible step when the cluster changed since the approval', async () => {
    const { output, log } = await runRunbook(
      LOST,
      { nodes, healthy: '10.0.0.1', snapshotPath: './db', members: 3 },
      {
        observe: () => lost,
        talosctl: (i) =>
          i.argv[1] === 'snapshot'
            ? { ok: true, results: [], captured: { path: './db', bytes: 1, hash: 'h', revision: 1, totalKeys: 1 } }
            : okRun(),
        unchanged: false,
      },
    );
    expect(output.outcome).toBe('approval-stale');
    expect(log.some((l) => l.includes('remove-member'))).toBe(false);
  });
});
