import { describe, expect, it } from 'vitest';
import { leader } from '../../../src/checks/observe/leader.js';
import { rollingOrder } from '../../../src/checks/observe/rolling-order.js';
import { derivedOf, readsFor } from '../../helpers/check-reads.js';
import { healthyCluster, IDS, NODES, node } from '../../helpers/fake-cluster.js';

const [A, B, C] = NODES;
const [, ID1] = IDS;

describe('rolling-order', () => {
  it('puts the followers first in the given order, the leader last', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.leader = ID1;
    expect(await derivedOf(rollingOrder, c, { nodes: [A, B, C] })).toEqual({
      ok: true,
      outputs: { order: [A, C, B], followers: [A, C], leader: B, probe: A, rest: [C] },
      summary: `order ${A}, ${C} and ${B} (leader ${B} last)`,
    });
    expect(await derivedOf(rollingOrder, c, { nodes: [C, B, A, C] })).toMatchObject({
      ok: true,
      outputs: { order: [C, A, B], probe: C, rest: [A] },
    });
  });

  it('probes the leader when it is alone', async () => {
    expect(await derivedOf(rollingOrder, healthyCluster(), { nodes: [A] })).toEqual({
      ok: true,
      outputs: { order: [A], followers: [], leader: A, probe: A, rest: [] },
      summary: `order ${A} (leader ${A} last)`,
    });
  });

  it("gives no order when the leader observation names no leader, with that observation's reason", async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    const args = { nodes: [A, B, C] };
    const r = await derivedOf(rollingOrder, c, args);
    expect(r.ok).toBe(false);
    expect(r).toEqual(leader.derive(await readsFor(c, rollingOrder, args), args));
  });
});
