import { describe, expect, it } from 'vitest';
import { leaderElected } from '../../src/checks/leader-elected.js';
import { verdictOf } from '../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
const check = (c: FakeCluster, on: string[] = nodes) => verdictOf(leaderElected, c, { nodes: on });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;
const REFUSED =
  'its etcd refused the connection: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"';

describe('leader-elected', () => {
  it('passes on one leader named by every member, with its node when it is among the nodes', async () => {
    expect(await check(healthyCluster())).toMatchObject({
      verdict: 'pass',
      summary: `leader ${ID0} on ${A}, agreed by ${A}, ${B} and ${C}`,
      observed: { leaders: { [A]: ID0, [B]: ID0, [C]: ID0 } },
    });
    expect((await check(healthyCluster(), [B, C])).summary).toBe(`leader ${ID0}, agreed by ${B} and ${C}`);
  });

  it('fails on a member that knows no leader, and on members naming different leaders', async () => {
    const c = healthyCluster();
    node(c, B).leader = '0000000000000000';
    expect(await check(c)).toMatchObject({ verdict: 'fail', summary: `member ${ID1} on ${B} knows no leader` });
    node(c, B).leader = ID1;
    expect((await check(c)).summary).toBe(
      `members disagree on the leader: ${A} and ${C} say ${ID0} on ${A}; ${B} says ${ID1} on ${B}`,
    );
  });

  it('fails on a node whose etcd is positively silent, saying its member id is unknown', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'etcd-down';
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      summary: `etcd on ${C} did not answer \`etcd status\` (member id unknown): ${REFUSED}`,
    });
    node(c, C).reach = 'up';
    node(c, C).fail = { status: FAILED.noLeader };
    expect((await check(c)).summary).toBe(
      `etcd on ${C} did not answer \`etcd status\` (member id unknown): etcd answers "no leader": etcdserver: no leader`,
    );
  });

  it('puts every part of a failure in one sentence: the split, the silent node, the node not seen', async () => {
    const c = healthyCluster();
    node(c, A).leader = ID2;
    node(c, B).reach = 'unreachable';
    node(c, C).reach = 'etcd-down';
    const v = await check(c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(
      `etcd on ${C} did not answer \`etcd status\` (member id unknown): ${REFUSED}; not seen: ${timedOut(B)}`,
    );
  });

  it('cannot tell while a node was not seen (timeout, permission, a missing row)', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `leader ${ID0} on ${A}, agreed by ${A} and ${B}, but ${timedOut(C)}`,
    });
    node(c, C).reach = 'up';
    node(c, C).fail = { status: FAILED.denied };
    expect((await check(c)).verdict).toBe('unknown');
    for (const n of c.nodes) n.reach = 'unreachable';
    node(c, C).fail = undefined;
    expect((await check(c)).summary).toBe(
      `no member answered etcd status: ${timedOut(A)}; ${timedOut(B)}; ${timedOut(C)}`,
    );
  });
});
