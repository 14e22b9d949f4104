import { describe, expect, it } from 'vitest';
import { leader } from '../../../src/checks/observe/leader.js';
import { derivedOf } from '../../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, IDS, NODES, node } from '../../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
const find = (c: FakeCluster, on: string[] = nodes) => derivedOf(leader, c, { nodes: on });

describe('leader', () => {
  it('reads status and the member lists of every node', () => {
    expect(leader.reads({ nodes: [A] })).toEqual([
      { kind: 'status', node: A },
      { kind: 'members', node: A },
    ]);
  });

  it('names the leader every member agrees on, with its node', async () => {
    expect(await find(healthyCluster())).toEqual({
      ok: true,
      outputs: { node: A, member: ID0 },
      summary: `leader ${ID0} on ${A}`,
    });
    const c = healthyCluster();
    for (const n of c.nodes) n.leader = ID2;
    expect(await find(c, [A, B, C, A])).toMatchObject({ ok: true, outputs: { node: C, member: ID2 } });
  });

  it('gives a node positively down, or no control plane node, no say', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'etcd-down';
    c.others = { '127.0.0.21': FAILED.worker };
    expect(await find(c, [...nodes, '127.0.0.21'])).toMatchObject({ ok: true, outputs: { node: A, member: ID0 } });
  });

  it('names no leader while a node was not seen: it may name another', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await find(c)).toEqual({
      ok: false,
      reason: `cannot tell the leader: ${C}: etcd status and etcd members: timed out after 10s asking ${C}; no leader is named on what was not seen`,
    });
  });

  it('names none when a member knows no leader, or they disagree', async () => {
    const c = healthyCluster();
    node(c, C).fail = { status: FAILED.noLeader };
    expect(await find(c)).toEqual({ ok: false, reason: `etcd on ${C} answers "no leader"` });
    node(c, C).fail = undefined;
    node(c, C).leader = '0000000000000000';
    expect(await find(c)).toEqual({ ok: false, reason: `member ${ID2} on ${C} knows no leader` });
    node(c, C).leader = ID1;
    expect(await find(c)).toEqual({
      ok: false,
      reason: `members disagree on the leader: ${A} and ${B} say ${ID0} on ${A}; ${C} says ${ID1} on ${B}`,
    });
  });

  it('names none when the leader the others still name does not answer itself: an election is due', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'etcd-down';
    expect(await find(c)).toEqual({
      ok: false,
      reason: `the members that answer still name member ${ID0} on ${A} as leader, but it does not answer: an election is due`,
    });
    for (const n of c.nodes) n.reach = 'etcd-down';
    const none = await find(c);
    expect(!none.ok && none.reason).toMatch(
      /^no member answered etcd status: 127\.0\.0\.11 answers, its etcd does not \(etcd status and etcd members: /,
    );
  });
});
