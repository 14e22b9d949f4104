import { describe, expect, it } from 'vitest';
import { OBSERVATIONS, type ObservationName } from '../../src/checks/catalog.js';
import { gatherObservation, OBSERVATION_IMPLS } from '../../src/checks/observe/index.js';
import { emptyReads } from '../../src/checks/reader.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { type FakeCluster, fakeReader, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;

async function observe(name: ObservationName, c: FakeCluster, args: CheckArgs = {}) {
  return (await gatherObservation(name, fakeReader(c), { nodes, ...args })).result;
}

describe('observations', () => {
  it('implements every observation of the catalog, and each output it declares', async () => {
    expect(Object.keys(OBSERVATION_IMPLS).sort()).toEqual(Object.keys(OBSERVATIONS).sort());
    const c = healthyCluster();
    node(c, B).learner = true;
    node(c, C).reach = 'etcd-down';
    const args: Record<ObservationName, CheckArgs> = {
      leader: {},
      'rolling-order': {},
      'member-of-node': { node: B },
      'lost-member': {},
      // C's etcd is down: its lag is not seen, so lagging-member is asked about A and B only
      'lagging-member': { nodes: [A, B] },
      'reachable-node': {},
      // every member must answer: C's etcd is down, so it is asked about A and B
      'max-revision': { nodes: [A, B] },
      'etcd-volume': { node: A },
      preflight: {},
    };
    for (const name of Object.keys(OBSERVATIONS) as ObservationName[]) {
      const r = await observe(name, c, args[name]);
      expect(r.ok, `${name}: ${r.ok ? '' : r.reason}`).toBe(true);
      if (r.ok) expect(Object.keys(r.outputs).sort()).toEqual(Object.keys(OBSERVATIONS[name].outputs).sort());
    }
  });

  it('derive never throws on empty reads or bad args', () => {
    for (const impl of Object.values(OBSERVATION_IMPLS))
      for (const args of [{}, { nodes }, { nodes, node: '' }]) {
        // preflight reports and never stops a run: nothing read is a report that says so
        const want = impl.name === 'preflight' && 'nodes' in args;
        expect(impl.derive(emptyReads(), args).ok, impl.name).toBe(want);
      }
  });

  it('leader and rolling-order put the leader last', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.leader = ID1;
    expect(await observe('leader', c)).toMatchObject({ ok: true, outputs: { node: B, member: ID1 } });
    expect(await observe('rolling-order', c)).toMatchObject({
      ok: true,
      outputs: { order: [A, C, B], followers: [A, C], leader: B },
    });
  });

  it('leader refuses a leader that does not answer itself (its followers still name it until the election)', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'etcd-down';
    // B and C still name A's member as leader: found on the lab right after the leader was lost,
    // when the runbook then tried to act through the dead leader
    expect(await observe('leader', c)).toMatchObject({
      ok: false,
      reason: `the members that answer still name member ${ID0} on ${A} as leader, but it does not answer: an election is due`,
    });
  });

  it('leader refuses a split or leaderless cluster, with the reason', async () => {
    const c = healthyCluster();
    node(c, C).leader = ID2;
    const r = await observe('leader', c);
    expect(r).toEqual({
      ok: false,
      reason: `members disagree on the leader: ${A} and ${B} say ${ID0} on ${A}; ${C} says ${ID2} on ${C}`,
    });
  });

  it('lost-member and lagging-member name a partitioned member as cut off, never as lost or lagging', async () => {
    // the lab partition fault: C's etcd runs and answers, but knows no leader; A and B follow ID0
    const c = healthyCluster();
    node(c, C).leader = '0000000000000000';
    node(c, C).raftIndex = 1;
    const cut = `member ${ID2} on ${C} knows no leader while 2 members follow leader ${ID0} on ${A}: it is cut off from the majority (a network partition on its side)`;
    const lost = await observe('lost-member', c);
    expect(lost.ok).toBe(false);
    if (lost.ok) return;
    expect(lost.reason).toContain(`no member is lost; ${cut}`);
    const lag = await observe('lagging-member', c, { maxLag: 10 });
    expect(lag.ok).toBe(false);
    if (lag.ok) return;
    expect(lag.reason).toContain(cut);
    // from the minority's side alone (only C asked): no majority is seen, so no partition is claimed
    const alone = await observe('lagging-member', c, { nodes: [C], maxLag: 10 });
    expect(alone).toEqual({ ok: false, reason: `member ${ID2} on ${C} knows no leader` });
  });

  it('member-of-node', async () => {
    const c = healthyCluster();
    expect(await observe('member-of-node', c, { node: C })).toMatchObject({ ok: true, outputs: { member: ID2 } });
    node(c, C).reach = 'unreachable';
    expect(await observe('member-of-node', c, { node: C })).toMatchObject({ ok: true, outputs: { member: ID2 } });
    expect((await observe('member-of-node', c, { node: '127.0.0.99' })).ok).toBe(false);
  });

  it('lost-member tells an unreachable node from a node whose etcd is down', async () => {
    const c = healthyCluster();
    expect((await observe('lost-member', c)).ok).toBe(false);
    node(c, C).reach = 'unreachable';
    expect(await observe('lost-member', c)).toMatchObject({
      ok: true,
      outputs: { node: C, member: ID2, reachable: false, isLeader: false },
    });
    node(c, C).reach = 'etcd-down';
    expect(await observe('lost-member', c)).toMatchObject({ ok: true, outputs: { reachable: true } });
    node(c, B).reach = 'unreachable';
    const two = await observe('lost-member', c);
    expect(two.ok).toBe(false);
    if (!two.ok)
      expect(two.reason).toBe(
        `2 members do not answer (member ${ID1} on ${B}: ${B} does not answer talosctl (etcd status, service etcd and etcd members: timed out after 10s asking ${B}) and member ${ID2} on ${C}: service etcd on ${C} is Running, health OK, and etcd status and etcd members: its etcd refused the connection: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"): expected exactly one`,
      );
  });

  it('lagging-member prefers a learner, else the furthest behind beyond maxLag', async () => {
    const c = healthyCluster();
    expect((await observe('lagging-member', c)).ok).toBe(false);
    node(c, B).raftIndex = 500;
    node(c, C).raftIndex = 800;
    expect(await observe('lagging-member', c)).toMatchObject({
      ok: true,
      outputs: { node: B, lag: 500, learner: false },
    });
    node(c, C).learner = true;
    const r = await observe('lagging-member', c);
    expect(r).toMatchObject({ ok: true, outputs: { node: C, member: ID2, lag: 200, learner: true } });
    if (r.ok)
      expect(r.summary).toBe(
        `member ${ID2} on ${C} is a learner, 200 entries behind leader ${ID0} on ${A} (raft index 800, the leader's 1,000)`,
      );
  });

  it('max-revision takes the highest answer and never invents one', async () => {
    const c = healthyCluster();
    node(c, B).revision = 9100;
    expect(await observe('max-revision', c)).toMatchObject({ ok: true, outputs: { revision: 9100 } });
    // issue #14: a member not read may be ahead (it took the highest of the rest before)
    node(c, C).reach = 'unreachable';
    const partial = await observe('max-revision', c);
    expect(partial.ok).toBe(false);
    if (!partial.ok) expect(partial.reason).toMatch(/^cannot tell the highest revision: 127\.0\.0\.13 did not answer/);
    c.revisions = false;
    const r = await observe('max-revision', c);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('no source of member revisions is available');
  });
});
