import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_LAG, memberHealthy } from '../../src/checks/member-healthy.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
const check = (c: FakeCluster, args: CheckArgs = {}) => verdictOf(memberHealthy, c, { node: B, nodes, ...args });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;
const decimal = (id: string) => BigInt(`0x${id}`).toString(10);

describe('member-healthy', () => {
  it('reads the status of the node and of every other node once', () => {
    expect(memberHealthy.reads({ node: '127.0.0.14', nodes: [A, '127.0.0.14'] })).toEqual([
      { kind: 'status', node: '127.0.0.14' },
      { kind: 'status', node: A },
    ]);
  });

  it('passes a follower in step and the leader itself', async () => {
    expect(await check(healthyCluster())).toMatchObject({
      verdict: 'pass',
      summary: `member ${ID1} on ${B} is healthy (0 behind leader ${ID0} on ${A})`,
      expected: `the member on ${B} answering, without errors, a voter, at most 100 entries behind the leader`,
    });
    expect((await check(healthyCluster(), { node: A })).summary).toBe(`member ${ID0} on ${A} is healthy (the leader)`);
  });

  it(`allows exactly maxLag (default ${DEFAULT_MAX_LAG}) entries behind the leader, not one more`, async () => {
    const c = healthyCluster();
    node(c, B).raftIndex = 900;
    expect((await check(c)).summary).toBe(`member ${ID1} on ${B} is healthy (100 behind leader ${ID0} on ${A})`);
    node(c, B).raftIndex = 899;
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      summary: `member ${ID1} on ${B} is 101 entries behind leader ${ID0} on ${A} (raft index 899, the leader's 1,000; at most 100 allowed)`,
      observed: { lag: 101 },
    });
    node(c, B).raftIndex = 999;
    expect((await check(c, { maxLag: 0 })).summary).toBe(
      `member ${ID1} on ${B} is 1 entry behind leader ${ID0} on ${A} (raft index 999, the leader's 1,000; at most 0 allowed)`,
    );
  });

  it('fails on status errors, the alarm in hex with its node; ignoreAlarm drops only that alarm', async () => {
    const c = healthyCluster();
    node(c, B).errors = [`memberID:${decimal(ID2)} alarm:NOSPACE`];
    expect((await check(c)).summary).toBe(`member ${ID1} on ${B} reports alarm:NOSPACE (member ${ID2} on ${C})`);
    expect((await check(c, { ignoreAlarm: 'NOSPACE' })).verdict).toBe('pass');
    expect((await check(c, { ignoreAlarm: 'CORRUPT' })).verdict).toBe('fail');
    // a whole word only: NOSPACE does not excuse another error that merely contains it
    node(c, B).errors = ['etcdserver: NOSPACEX'];
    expect((await check(c, { ignoreAlarm: 'NOSPACE' })).verdict).toBe('fail');
  });

  // the node asked about comes first in the nodes read
  it('fails on a learner and on a split', async () => {
    const c = healthyCluster();
    node(c, B).learner = true;
    expect((await check(c)).summary).toBe(`member ${ID1} on ${B} is still a learner`);
    node(c, B).learner = false;
    node(c, C).leader = ID2;
    expect((await check(c)).summary).toBe(
      `member ${ID1} on ${B} is not healthy: members disagree on the leader: ${B} and ${A} say ${ID0} on ${A}; ${C} says ${ID2} on ${C}`,
    );
  });

  it('fails when its etcd is positively silent; cannot tell when it timed out', async () => {
    const c = healthyCluster();
    node(c, B).reach = 'etcd-down';
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      summary: `etcd on ${B} did not answer \`etcd status\` (member id unknown): its etcd refused the connection: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"`,
    });
    node(c, B).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `cannot see etcd on ${B} (member id unknown): ${timedOut(B)}`,
    });
  });

  it('cannot tell while another node was not seen, or the leader is not among the nodes', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `member ${ID1} on ${B} follows leader ${ID0} on ${A} (0 behind it), but ${timedOut(C)}`,
    });
    node(c, C).reach = 'up';
    node(c, A).reach = 'unreachable';
    expect((await check(c)).summary).toBe(
      `member ${ID1} on ${B} follows leader ${ID0} (its lag unknown), but ${timedOut(A)}`,
    );
    expect((await check(healthyCluster(), { nodes: [B, C] })).summary).toBe(
      `member ${ID1} on ${B} follows leader ${ID0}, which is not among the given nodes, so its lag is unknown`,
    );
  });

  it('fails on a lag seen even while another node was not seen', async () => {
    const c = healthyCluster();
    node(c, B).raftIndex = 10;
    node(c, C).reach = 'unreachable';
    expect((await check(c)).verdict).toBe('fail');
  });
});
