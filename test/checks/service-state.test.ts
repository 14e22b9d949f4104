import { describe, expect, it } from 'vitest';
import { serviceState } from '../../src/checks/service-state.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { readsFor } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
async function check(c: FakeCluster, args: CheckArgs, edit?: (r: Awaited<ReturnType<typeof readsFor>>) => void) {
  const all = { nodes, ...args };
  const reads = await readsFor(c, serviceState, all);
  edit?.(reads);
  return serviceState.evaluate({ reads }, all);
}
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;

describe('service-state', () => {
  it('passes when every node shows its etcd in the state asked, and in the health when asked', async () => {
    const c = healthyCluster();
    expect(await check(c, { state: 'Running' })).toMatchObject({
      verdict: 'pass',
      expected: `etcd Running on ${A}, ${B} and ${C}`,
      summary: `etcd is Running on ${A}, ${B} and ${C}`,
    });
    expect((await check(c, { state: 'Running', health: 'OK' })).summary).toBe(
      `etcd is Running with health OK on ${A}, ${B} and ${C}`,
    );
  });

  it('fails on another state; on another health only when a health is asked', async () => {
    const c = healthyCluster();
    node(c, C).service = { state: 'Preparing', health: '?' };
    expect(await check(c, { state: 'Running' })).toMatchObject({
      verdict: 'fail',
      summary: `etcd on ${C} is Preparing (health ?)`,
      expected: `etcd Running on ${A}, ${B} and ${C}, last saw etcd on ${C} is Preparing (health ?)`,
    });
    node(c, C).service = { state: 'Running', health: 'Fail', message: 'context deadline exceeded' };
    expect((await check(c, { state: 'Running' })).verdict).toBe('pass');
    expect((await check(c, { state: 'Running', health: 'OK' })).summary).toBe(
      `etcd on ${C} is Running (health Fail: context deadline exceeded)`,
    );
    expect((await check(c, { state: 'Finished' })).verdict).toBe('fail');
  });

  it('cannot tell while a node was not seen; a node seen in another state fails even so', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c, { state: 'Running' })).toMatchObject({
      verdict: 'unknown',
      summary: `etcd is Running on ${A} and ${B}, but ${timedOut(C)}`,
    });
    node(c, B).service = { state: 'Failed', health: 'Fail' };
    expect((await check(c, { state: 'Running' })).verdict).toBe('fail');
    for (const n of c.nodes) n.reach = 'unreachable';
    expect((await check(c, { state: 'Running' })).summary).toBe(`${timedOut(A)}; ${timedOut(B)}; ${timedOut(C)}`);
  });

  it("takes a block without a NODE column as the node's own, never another node's block", async () => {
    const c = healthyCluster();
    const bare = await check(c, { state: 'Running' }, (r) => {
      const v = r.service[C];
      if (v?.ok) r.service[C] = { ok: true, value: v.value.map((b) => ({ ...b, node: '' })) };
    });
    expect(bare.verdict).toBe('pass');
    const other = await check(c, { state: 'Running' }, (r) => {
      const v = r.service[C];
      if (v?.ok) r.service[C] = { ok: true, value: v.value.map((b) => ({ ...b, node: A })) };
    });
    expect(other).toMatchObject({
      verdict: 'unknown',
      summary: `etcd is Running on ${A} and ${B}, but ${C}: service etcd printed no etcd block of its own`,
    });
  });
});
