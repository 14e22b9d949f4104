import { describe, expect, it } from 'vitest';
import { quorumLost, quorumOf } from '../../src/checks/quorum-lost.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { verdictOf } from '../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, IDS, memberOf, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
const NO_LEADER = '0000000000000000';
const check = (c: FakeCluster, args: CheckArgs = {}) => verdictOf(quorumLost, c, { nodes, ...args });
const etcdDown = (n: string) =>
  `service etcd on ${n} is Running, health OK, and etcd status and etcd members: its etcd refused the connection: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"`;

/** Quorum lost as etcd shows it: B and C's etcd down, A's etcd up but knowing no leader. */
function majorityDown(how: 'etcd-down' | 'refused' = 'etcd-down'): FakeCluster {
  const c = healthyCluster();
  node(c, A).leader = NO_LEADER;
  node(c, B).reach = how;
  node(c, C).reach = how;
  return c;
}

describe('quorumOf', () => {
  it('is the majority of the voting members', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map(quorumOf)).toEqual([1, 2, 2, 3, 3, 4, 4]);
  });
});

describe('quorum-lost', () => {
  it('fails while a quorum of voters follows one leader, naming what was lost', async () => {
    const c = healthyCluster();
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      summary: `quorum holds: 3 of 3 voters follow leader ${ID0} on ${A}`,
    });
    node(c, C).reach = 'etcd-down';
    expect((await check(c)).summary).toBe(
      `quorum holds: 2 of 3 voters follow leader ${ID0} on ${A}; lost: ${etcdDown(C)}`,
    );
  });

  it('passes when voters − quorum + 1 voters are seen lost', async () => {
    const v = await check(majorityDown());
    expect(v).toMatchObject({
      verdict: 'pass',
      expected: 'at least 2 of 3 voters positively seen lost (quorum 2)',
      summary: `quorum is lost: 2 voters of 3 seen lost (quorum 2): ${etcdDown(B)} and ${etcdDown(C)}; cut off (etcd runs with its data but knows no leader): member ${ID0} on ${A} knows no leader`,
      observed: { lost: [ID1, ID2], cutOff: [ID0], source: `the member list of ${A}` },
    });
  });

  it('with allAnswer, does not count a node that answers nothing as lost (a partition looks the same)', async () => {
    expect((await check(majorityDown('refused'))).verdict).toBe('pass');
    const v = await check(majorityDown('refused'), { allAnswer: true });
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toMatch(
      /^cannot tell: 0 of 3 voters seen lost and 0 seen following one leader \(quorum 2\); not seen: /,
    );
    expect(v.summary).toContain('a partition that hides a running majority');
    // an etcd refused behind a node that answers is lost either way
    expect((await check(majorityDown(), { allAnswer: true })).verdict).toBe('pass');
  });

  it('cannot tell when no node answers at all', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.reach = 'refused';
    expect((await check(c)).summary).toMatch(
      /^cannot tell: no node answered talosctl at all, which does not tell a dead cluster from a network problem on this side/,
    );
  });

  it('fails when the voters not seen lost all run with their data but know no leader', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.leader = NO_LEADER;
    const v = await check(c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toMatch(
      /^quorum is not lost for good: member 6457a4e8ecba5c61 on 127\.0\.0\.11 knows no leader, /,
    );
    node(c, C).reach = 'etcd-down';
    expect((await check(c)).summary).toContain(`their etcd run with their data but cannot reach a quorum`);
  });

  it('counts the voters from the voters argument when no node prints the member list', async () => {
    const c = majorityDown('refused');
    node(c, A).fail = { members: FAILED.noLeader };
    const none = await check(c);
    expect(none.verdict).toBe('unknown');
    expect(none.summary).toMatch(/^cannot tell: no node printed the member list and no voters count was given/);
    expect(await check(c, { voters: 3 })).toMatchObject({
      verdict: 'pass',
      observed: { source: 'the voters argument (no node printed the member list)', voters: 3 },
    });
    // more nodes than voters: a node that answers nothing may be a worker that is off
    expect((await check(c, { voters: 2 })).verdict).toBe('unknown');
  });

  it('counts voters stated beyond those listed as not seen', async () => {
    const v = await check(healthyCluster(), { voters: 5 });
    expect(v.summary).toBe(
      `quorum holds: 3 of 5 voters follow leader ${ID0} on ${A}; not seen: voter 4 of 5 was not seen on any given node; voter 5 of 5 was not seen on any given node`,
    );
  });

  it('counts a voter whose node now runs another member as lost', async () => {
    const c = healthyCluster();
    const list = c.nodes.map(memberOf);
    for (const n of c.nodes) n.members = list;
    node(c, C).id = 'aaaaaaaaaaaaaaaa';
    expect((await check(c)).summary).toBe(
      `quorum holds: 2 of 3 voters follow leader ${ID0} on ${A}; lost: ${C} now runs member aaaaaaaaaaaaaaaa, not ${ID2}`,
    );
    node(c, B).reach = 'etcd-down';
    expect((await check(c)).verdict).toBe('pass');
  });

  it('counts no learner as a voter', async () => {
    const c = healthyCluster();
    node(c, C).learner = true;
    node(c, B).reach = 'etcd-down';
    expect(await check(c)).toMatchObject({
      verdict: 'pass',
      summary: `quorum is lost: 1 voter of 2 seen lost (quorum 2): ${etcdDown(B)}`,
    });
  });
});
