import { describe, expect, it } from 'vitest';
import { quorumSafeToDisrupt } from '../../src/checks/quorum-safe-to-disrupt.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { verdictOf } from '../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, IDS, memberOf, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
const check = (c: FakeCluster, args: CheckArgs) => verdictOf(quorumSafeToDisrupt, c, { nodes, ...args });
const denied = (n: string) =>
  `${n} answered with an error (permission denied (a talosconfig/RBAC problem, not evidence about etcd): not authorized)`;

describe('quorum-safe-to-disrupt, member and node modes', () => {
  it('passes when the healthy voters besides the target make a quorum', async () => {
    for (const mode of ['member', 'node'])
      expect(await check(healthyCluster(), { node: B, mode })).toMatchObject({
        verdict: 'pass',
        summary: `with member ${ID1} on ${B} out, 2 of 3 voters stay healthy (quorum 2): safe`,
        expected: `the cluster keeps quorum while ${B} is out of service`,
      });
  });

  it('fails when a voter is positively out and taking the target out leaves too few', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'refused';
    const v = await check(c, { node: B, mode: 'member' });
    expect(v.verdict).toBe('fail');
    expect(v.summary).toMatch(
      new RegExp(
        `^with member ${ID1} on ${B} out, 1 of 3 voters stay healthy \\(quorum 2\\); not seen healthy: member ${ID2} on ${C}: ${C} did not answer \\(connection error.*: the cluster would lose quorum$`,
      ),
    );
  });

  it('does not count a voter naming another leader than most, nor a learner', async () => {
    const c = healthyCluster();
    node(c, C).leader = ID2;
    expect((await check(c, { node: B, mode: 'member' })).summary).toBe(
      `with member ${ID1} on ${B} out, 1 of 3 voters stay healthy (quorum 2); not seen healthy: member ${ID2} on ${C} names leader ${ID2} on ${C}: the cluster would lose quorum`,
    );
    const l = healthyCluster();
    node(l, C).learner = true;
    // two voters: taking either out loses quorum
    expect((await check(l, { node: B, mode: 'member' })).summary).toBe(
      `with member ${ID1} on ${B} out, 1 of 2 voters stay healthy (quorum 2): the cluster would lose quorum`,
    );
  });

  it('cannot tell while a voter not seen could make it safe, or a member list was not seen', async () => {
    const c = healthyCluster();
    node(c, C).fail = { status: FAILED.denied };
    expect(await check(c, { node: A, mode: 'member' })).toMatchObject({
      verdict: 'unknown',
      summary: `with member ${ID0} on ${A} out, 1 of 3 voters stay healthy (quorum 2); not seen healthy: member ${ID2} on ${C}: ${denied(C)}: cannot tell without the voters not seen`,
    });
    // the target itself not seen: named from its URL in the member list; the others suffice
    expect((await check(c, { node: C, mode: 'member' })).summary).toBe(
      `with member ${ID2} on ${C} out, 2 of 3 voters stay healthy (quorum 2); not seen healthy: member ${ID2} on ${C}: ${denied(C)}: safe`,
    );
    const t = healthyCluster();
    node(t, C).reach = 'unreachable';
    expect(await check(t, { node: A, mode: 'member' })).toMatchObject({
      verdict: 'unknown',
      summary: `cannot tell whether quorum survives while ${A} is out of service: a member list was not seen: ${C} did not answer (timed out after 10s asking ${C})`,
    });
  });
});

describe('quorum-safe-to-disrupt, leadership mode', () => {
  it('passes with a quorum healthy and another healthy voter to take over', async () => {
    expect(await check(healthyCluster(), { node: A, mode: 'leadership' })).toMatchObject({
      verdict: 'pass',
      summary: `3 of 3 voters healthy (quorum 2), 2 besides member ${ID0} on ${A} to take the leadership: safe`,
      expected: `the cluster keeps quorum while ${A} hands the leadership over`,
    });
  });

  it('fails on a single voter: nobody to hand the leadership to', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.members = [memberOf(node(c, A))];
    expect(await check(c, { nodes: [A], node: A, mode: 'leadership' })).toMatchObject({
      verdict: 'fail',
      summary: `1 of 1 voter healthy (quorum 1), 0 besides member ${ID0} on ${A} to take the leadership: moving the leadership could leave the cluster without one`,
    });
  });

  it('names a mode it does not know', async () => {
    expect((await check(healthyCluster(), { node: A, mode: 'all' })).summary).toBe(
      'check quorum-safe-to-disrupt: argument "mode" must be one of member, leadership, node',
    );
  });
});
