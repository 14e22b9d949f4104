import { describe, expect, it } from 'vitest';
import { memberAbsent } from '../../src/checks/member-absent.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, IDS, memberOf, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [, , ID2] = IDS;
const absent = (c: FakeCluster) => verdictOf(memberAbsent, c, { nodes, member: ID2 });
/** The cluster after C's member was removed: no list shows it. */
function removed(): FakeCluster {
  const c = healthyCluster();
  const list = c.nodes.filter((n) => n.id !== ID2).map(memberOf);
  for (const n of c.nodes) n.members = list;
  return c;
}
const etcdRefused =
  'its etcd refused the connection: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"';

describe('member-absent (member-presence with the member wanted gone)', () => {
  it('is its own check: fails while a list still shows the member, naming that list', async () => {
    expect(memberAbsent.name).toBe('member-absent');
    const v = await absent(healthyCluster());
    expect(v).toMatchObject({
      verdict: 'fail',
      expected: `member ${ID2} absent from the member list of every node, last saw member ${ID2} on ${C} is still in the member list of ${A}, ${B} and ${C}`,
    });
    const c = removed();
    node(c, A).members = healthyCluster().nodes.map(memberOf);
    expect((await absent(c)).summary).toBe(`member ${ID2} on ${C} is still in the member list of ${A}`);
  });

  it('passes when every node lists the members without it', async () => {
    expect(await absent(removed())).toMatchObject({
      verdict: 'pass',
      summary: `member ${ID2} is not listed by ${A}, ${B} and ${C}`,
    });
  });

  it("excuses the removed member's own node when its etcd is positively silent, and says so", async () => {
    const c = removed();
    node(c, C).reach = 'etcd-down';
    expect(await absent(c)).toMatchObject({
      verdict: 'pass',
      summary: `member ${ID2} is not listed by ${A} and ${B}; no list from ${C} (${etcdRefused})`,
    });
    node(c, C).reach = 'refused';
    expect((await absent(c)).verdict).toBe('pass');
  });

  it('does not excuse a timeout (a slow etcd may still list it), nor pass when no node answered', async () => {
    const c = removed();
    node(c, C).reach = 'unreachable';
    expect(await absent(c)).toMatchObject({
      verdict: 'unknown',
      summary: `member ${ID2} is not listed by ${A} and ${B}, but ${C} did not answer (timed out after 10s asking ${C})`,
    });
    for (const n of c.nodes) n.reach = 'etcd-down';
    expect((await absent(c)).verdict).toBe('unknown');
  });
});
