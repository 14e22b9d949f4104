import { describe, expect, it } from 'vitest';
import { noLearners } from '../../src/checks/no-learners.js';
import { verdictOf } from '../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, IDS, memberOf, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [, ID1, ID2] = IDS;
const check = (c: FakeCluster) => verdictOf(noLearners, c, { nodes });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;

describe('no-learners', () => {
  it('passes when no list and no status row shows a learner', async () => {
    expect(await check(healthyCluster())).toMatchObject({
      verdict: 'pass',
      summary: `no member is a learner, as ${A}, ${B} and ${C} show`,
    });
  });

  it('fails on a learner, naming it with its node and how far behind the leader it is', async () => {
    const c = healthyCluster();
    node(c, C).learner = true;
    node(c, C).raftIndex = 800;
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      summary: `member ${ID2} on ${C} is a learner, 200 entries behind the leader`,
      observed: { learners: [ID2] },
    });
    node(c, C).raftIndex = 999;
    expect((await check(c)).summary).toBe(`member ${ID2} on ${C} is a learner, 1 entry behind the leader`);
    node(c, B).learner = true;
    expect((await check(c)).summary).toBe(
      `member ${ID1} on ${B} is a learner, 0 entries behind the leader and member ${ID2} on ${C} is a learner, 1 entry behind the leader`,
    );
  });

  it('fails on a learner only a member list shows', async () => {
    const c = healthyCluster();
    node(c, A).members = c.nodes.map((n) => (n.node === C ? { ...memberOf(n), learner: true } : memberOf(n)));
    expect((await check(c)).summary).toBe(`member ${ID2} on ${C} is a learner, 0 entries behind the leader`);
  });

  it('fails on a learner only its own status row shows (the lists may be older)', async () => {
    const c = healthyCluster();
    const voters = c.nodes.map(memberOf);
    for (const n of c.nodes) n.members = voters;
    node(c, C).learner = true;
    expect((await check(c)).summary).toBe(`member ${ID2} on ${C} is a learner, 0 entries behind the leader`);
  });

  it('fails on a listed learner whose node was not seen: no lag then', async () => {
    const c = healthyCluster();
    node(c, C).learner = true;
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({ verdict: 'fail', summary: `member ${ID2} on ${C} is a learner` });
  });

  it('gives no lag while the voters agree on no leader', async () => {
    const c = healthyCluster();
    node(c, C).learner = true;
    for (const n of c.nodes) n.leader = '0000000000000000';
    expect((await check(c)).summary).toBe(`member ${ID2} on ${C} is a learner`);
  });

  it('cannot tell while a list or a status row was not seen (the node may be the learner)', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `no learner seen, but etcd members: ${timedOut(C)}; etcd status: ${timedOut(C)}`,
    });
    node(c, C).reach = 'up';
    node(c, C).fail = { members: FAILED.denied };
    expect((await check(c)).summary).toBe(
      `no learner seen, but etcd members: ${C} answered with an error (permission denied (a talosconfig/RBAC problem, not evidence about etcd): not authorized)`,
    );
  });
});
