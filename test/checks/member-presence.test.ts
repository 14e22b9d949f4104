import { describe, expect, it } from 'vitest';
import { memberPresent } from '../../src/checks/member-presence.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, IDS, memberOf, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [, ID1] = IDS;
const present = (c: FakeCluster, args: CheckArgs = {}) => verdictOf(memberPresent, c, { nodes, member: ID1, ...args });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;

describe('member-present (member-presence with the member wanted in the list)', () => {
  it('passes when every node lists it, naming it in hex with its node', async () => {
    expect(await present(healthyCluster())).toMatchObject({
      verdict: 'pass',
      expected: `member ${ID1} in the member list of every node`,
      summary: `member ${ID1} on ${B} is listed by ${A}, ${B} and ${C}`,
      observed: { listedBy: nodes, notListedBy: [] },
    });
  });

  it('takes the id in upper case as the same member', async () => {
    expect((await present(healthyCluster(), { member: ID1.toUpperCase() })).verdict).toBe('pass');
  });

  it('fails when one list lacks it, and an id no list knows is named without a node', async () => {
    const c = healthyCluster();
    node(c, C).members = c.nodes.filter((n) => n.id !== ID1).map(memberOf);
    expect(await present(c)).toMatchObject({
      verdict: 'fail',
      summary: `member ${ID1} on ${B} is missing from the member list of ${C}`,
    });
    expect((await present(healthyCluster(), { member: 'deadbeefdeadbeef' })).summary).toBe(
      `member deadbeefdeadbeef is missing from the member list of ${A}, ${B} and ${C}`,
    );
  });

  it('cannot tell while a list was not seen, even from a node whose etcd is down', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await present(c)).toMatchObject({
      verdict: 'unknown',
      summary: `member ${ID1} on ${B} is listed by ${A} and ${B}, but ${timedOut(C)}`,
    });
    node(c, C).reach = 'etcd-down';
    expect((await present(c)).verdict).toBe('unknown');
    for (const n of c.nodes) n.reach = 'unreachable';
    expect((await present(c)).summary).toBe(
      `cannot tell whether member ${ID1} is listed: no node listed the members: ${timedOut(A)}; ${timedOut(B)}; ${timedOut(C)}`,
    );
  });

  it('names an id that is not 16 hex digits (decimal ids included)', async () => {
    const dec = BigInt(`0x${ID1}`).toString(10);
    expect((await present(healthyCluster(), { member: dec })).summary).toBe(
      `check member-present: argument "member" must be an etcd member id of 16 hex digits, got "${dec}"`,
    );
  });
});
