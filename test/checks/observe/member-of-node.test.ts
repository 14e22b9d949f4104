import { describe, expect, it } from 'vitest';
import { memberOfNode } from '../../../src/checks/observe/member-of-node.js';
import type { CheckArgs } from '../../../src/checks/verdict.js';
import { derivedOf, readsFor } from '../../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, IDS, memberOf, NODES, node } from '../../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B] = NODES;
const [ID0, ID1] = IDS;
const of = (c: FakeCluster, args: CheckArgs = {}) => derivedOf(memberOfNode, c, { node: B, nodes, ...args });
const ETCD_REFUSED =
  'its etcd refused the connection: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"';

describe('member-of-node', () => {
  it('reads the node first, then the other nodes, once each', () => {
    expect(memberOfNode.reads({ node: B, nodes: [A, B] }).map((r) => `${r.kind} ${r.node}`)).toEqual([
      `status ${B}`,
      `status ${A}`,
      `members ${B}`,
      `members ${A}`,
    ]);
  });

  it("names the member of the node's own status row", async () => {
    expect(await of(healthyCluster())).toEqual({
      ok: true,
      outputs: { member: ID1 },
      summary: `member ${ID1} runs on ${B}`,
    });
    expect(await of(healthyCluster(), { nodes: [A] })).toMatchObject({ ok: true, outputs: { member: ID1 } });
  });

  it('when its etcd gives no answer at all, names the one member listed with its address', async () => {
    const c = healthyCluster();
    node(c, B).reach = 'etcd-down';
    expect(await of(c)).toEqual({
      ok: true,
      outputs: { member: ID1 },
      summary: `member ${ID1} is listed with ${B}'s address (${B} did not answer (${ETCD_REFUSED}))`,
    });
    node(c, B).reach = 'unreachable';
    expect(await of(c)).toMatchObject({ ok: true, outputs: { member: ID1 } });
  });

  it('names none when no member, or several, are listed with its address', async () => {
    const c = healthyCluster();
    node(c, B).reach = 'etcd-down';
    const without = c.nodes.filter((n) => n.node !== B).map(memberOf);
    for (const n of c.nodes) n.members = without;
    expect(await of(c)).toEqual({
      ok: false,
      reason: `no member found for ${B}: ${B} did not answer (${ETCD_REFUSED}), and no member is listed with its address`,
    });
    const twice = [...without, memberOf(node(c, B)), { ...memberOf(node(c, B)), id: 'aaaaaaaaaaaaaaaa' }];
    for (const n of c.nodes) n.members = twice;
    const r = await of(c);
    expect(!r.ok && r.reason).toMatch(
      new RegExp(`, and members ${ID1}, aaaaaaaaaaaaaaaa are all listed with its address$`),
    );
  });

  it('names none when the node answered but could not be read: a list may be older than what runs', async () => {
    const c = healthyCluster();
    node(c, B).fail = { status: FAILED.denied };
    expect(await of(c)).toEqual({
      ok: false,
      reason: `cannot tell which member runs on ${B}: ${B} answered with an error (permission denied (a talosconfig/RBAC problem, not evidence about etcd): not authorized); no member is named on what was not seen`,
    });
    // a row that is another node's is no row of its own
    node(c, B).fail = undefined;
    const reads = await readsFor(c, memberOfNode, { node: B, nodes });
    const own = reads.status[B];
    if (own?.ok) reads.status[B] = { ok: true, value: own.value.map((r) => ({ ...r, node: A, member: ID0 })) };
    const r = memberOfNode.derive(reads, { node: B, nodes });
    expect(r).toEqual({
      ok: false,
      reason: `cannot tell which member runs on ${B}: ${B}: etcd status printed no row of its own; no member is named on what was not seen`,
    });
  });
});
