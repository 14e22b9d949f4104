import { describe, expect, it } from 'vitest';
import { compileRunbook } from '../../src/compile/to-machine.js';
import { compileText, drive } from '../helpers/drive-machine.js';
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

describe('compileRunbook: the walk over the steps', () => {
  const PARAMS = '  node: { type: node, description: n }\n  nodes: { type: nodes, description: n }\n';

  it('starts at the first step entry state: a disruptive first step at its quorum check', () => {
    const { runbook } = compileText(`  - id: d\n    talosctl: [etcd, defrag]\n    node: { ref: params.node }`, PARAMS);
    const c = compileRunbook(runbook);
    expect(c.initial).toBe('d:quorum');
    expect(c.machine.config.initial).toBe('d:quorum');
  });

  it('no step at all: starts (and ends) at success', () => {
    const { runbook } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }`,
      PARAMS,
    );
    expect(compileRunbook({ ...runbook, steps: [] }).initial).toBe('@success');
  });

  it('hands each kind to its module (the role of its state) and adds every outcome state', () => {
    const { runbook } = compileText(
      `  - id: pre\n    precondition: { check: leader-elected, with: { nodes: { ref: params.nodes } } }
  - id: r\n    read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }
  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }
  - id: m\n    manual: { instructions: do it }
  - id: c\n    confirm: { prompt: Go? }
  - id: rm\n    talosctl: [etcd, remove-member, { ref: r.member }]\n    node: { ref: params.node }
  - id: each\n    foreach: { in: { ref: params.nodes }, as: n }\n    steps:\n      - id: w\n        wait: { check: member-healthy, with: { nodes: { ref: params.nodes }, node: { ref: n } }, timeout: 1m }
  - id: pick\n    choice: { check: no-alarms, with: { nodes: { ref: params.nodes } }, ifFail: bad }
  - id: post\n    postcondition: { check: no-alarms, with: { nodes: { ref: params.nodes } } }
  - id: good\n    end: { outcome: success, message: ok }
  - id: bad\n    end: { outcome: failed, message: not ok }`,
      PARAMS,
    );
    const c = compileRunbook(runbook);
    const role = (id: string) => c.states[id]?.role;
    expect(
      ['pre', 'r', 'st', 'm', 'c', 'rm', 'rm:recheck', 'each', 'each:next', 'w', 'w:poll', 'pick', 'post', 'good'].map(
        (id) => [id, role(id)],
      ),
    ).toEqual([
      ['pre', 'check'],
      ['r', 'observe'],
      ['st', 'command'],
      ['m', 'manual'],
      ['c', 'confirm'],
      ['rm', 'command'],
      ['rm:recheck', 'recheck'],
      ['each', 'loop'],
      ['each:next', 'loop-next'],
      ['w', 'wait'],
      ['w:poll', 'poll'],
      ['pick', 'check'],
      ['post', 'check'],
      ['good', 'end'],
    ]);
    for (const o of [
      '@success',
      '@failed',
      '@aborted',
      '@precondition-failed',
      '@declined',
      '@approval-stale',
      '@stopped-at-gate',
    ])
      expect(c.states[o]?.role).toBe('outcome');
  });

  it('each step goes on to the next one entry; the last of a loop body to its :next; the last of the runbook to success', async () => {
    const { runbook } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }
  - id: each\n    foreach: { in: { ref: params.nodes }, as: n }\n    steps:\n      - id: d\n        talosctl: [etcd, defrag]\n        node: { ref: n }
  - id: last\n    postcondition: { check: no-alarms, with: { nodes: { ref: params.nodes } } }`,
      PARAMS,
    );
    const r = await drive(compileRunbook(runbook), { node: '10.0.0.1', nodes: ['10.0.0.1', '10.0.0.2'] });
    expect(r.states).toEqual(['st', 'd:quorum', 'd', 'd:quorum', 'd', 'last', '@success']);
    expect(r.output).toEqual({ outcome: 'success', stepId: undefined, message: undefined });
  });
});
