import { describe, expect, it } from 'vitest';
import { reachableNode } from '../../../src/checks/observe/reachable-node.js';
import type { CheckArgs } from '../../../src/checks/verdict.js';
import { derivedOf, readsFor } from '../../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, NODES, node } from '../../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const pick = (c: FakeCluster, args: CheckArgs = {}) => derivedOf(reachableNode, c, { nodes, ...args });
const refused = (n: string) =>
  `${n} did not answer (connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.9:50000: connect: connection refused")`;

describe('reachable-node without prefer', () => {
  it('takes the first node, in the given order, that answers service etcd (its etcd may be down)', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'etcd-down';
    expect(await pick(c)).toEqual({ ok: true, outputs: { node: A }, summary: `${A} is the first node that answers` });
    expect(await pick(c, { nodes: [C, A] })).toMatchObject({ ok: true, outputs: { node: C } });
  });

  it('skips only a node that positively does not answer, and says so', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'refused';
    expect(await pick(c)).toEqual({
      ok: true,
      outputs: { node: B },
      summary: `${B} is the first node that answers (skipped: ${refused(A)})`,
    });
    node(c, B).reach = 'refused';
    node(c, C).reach = 'refused';
    expect(await pick(c)).toEqual({
      ok: false,
      reason: `no node answers service etcd: ${refused(A)}; ${refused(B)}; ${refused(C)}`,
    });
  });

  it('stops at a node it could not read (a timeout, a denial, no block of its own): it may be the one', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'unreachable';
    expect(await pick(c)).toEqual({
      ok: false,
      reason: `cannot tell whether ${A} answers: ${A} did not answer (timed out after 10s asking ${A}); no later node is chosen over it (or pass prefer)`,
    });
    node(c, A).reach = 'up';
    node(c, A).fail = { service: FAILED.denied };
    expect((await pick(c)).ok).toBe(false);
    node(c, A).fail = undefined;
    const reads = await readsFor(c, reachableNode, { nodes });
    const svc = reads.service[A];
    if (svc?.ok) reads.service[A] = { ok: true, value: svc.value.map((b) => ({ ...b, node: B })) };
    expect(reachableNode.derive(reads, { nodes })).toEqual({
      ok: false,
      reason: `cannot tell whether ${A} answers: ${A}: service etcd printed no etcd block of its own; no later node is chosen over it (or pass prefer)`,
    });
  });
});

describe('reachable-node with prefer', () => {
  it('takes the preferred node (trimmed) when it answers, even when an earlier one does not', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'unreachable';
    expect(await pick(c, { prefer: ` ${C} ` })).toEqual({
      ok: true,
      outputs: { node: C },
      summary: `${C} (chosen) answers service etcd`,
    });
    expect((await pick(c, { prefer: '' })).ok).toBe(false);
  });

  it('never replaces a preferred node that does not answer, nor takes one outside the nodes', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'refused';
    expect(await pick(c, { prefer: C })).toEqual({
      ok: false,
      reason: `the chosen node does not answer: ${refused(C)}`,
    });
    expect(await pick(c, { prefer: '127.0.0.99' })).toEqual({
      ok: false,
      reason: `127.0.0.99 is not one of the nodes ${A}, ${B}, ${C}`,
    });
  });
});
