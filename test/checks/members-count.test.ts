import { describe, expect, it } from 'vitest';
import { membersCount } from '../../src/checks/members-count.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, memberOf, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const check = (c: FakeCluster, args: CheckArgs) => verdictOf(membersCount, c, { nodes, ...args });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;

describe('members-count', () => {
  it('passes when every node lists exactly count members', async () => {
    expect(await check(healthyCluster(), { count: 3 })).toMatchObject({
      verdict: 'pass',
      expected: '3 members as every node sees it',
      summary: `3 members, as ${A}, ${B} and ${C} list`,
    });
    expect((await check(healthyCluster(), { count: '3' })).verdict).toBe('pass');
  });

  it('fails on one more or one fewer, saying what each node lists', async () => {
    const c = healthyCluster();
    expect(await check(c, { count: 2 })).toMatchObject({
      verdict: 'fail',
      expected: `2 members as every node sees it, last saw ${A} lists 3, ${B} lists 3 and ${C} lists 3`,
      summary: `expected 2 members, but ${A} lists 3, ${B} lists 3 and ${C} lists 3`,
    });
    expect((await check(c, { count: 4 })).verdict).toBe('fail');
    expect((await check(c, { count: 1 })).summary).toMatch(/^expected 1 member, but/);
  });

  it('fails when one node alone lists another number', async () => {
    const c = healthyCluster();
    node(c, C).members = c.nodes.slice(0, 2).map(memberOf);
    expect((await check(c, { count: 3 })).summary).toBe(
      `expected 3 members, but ${A} lists 3, ${B} lists 3 and ${C} lists 2`,
    );
    expect((await check(c, { count: 3 })).observed.counts).toEqual({ [A]: 3, [B]: 3, [C]: 2 });
  });

  it('cannot tell while a node not seen may be the one still missing a member', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c, { count: 3 })).toMatchObject({
      verdict: 'unknown',
      summary: `${A} lists 3 and ${B} lists 3, but ${timedOut(C)}`,
    });
    // a wrong count seen fails even so
    expect((await check(c, { count: 2 })).verdict).toBe('fail');
    for (const n of c.nodes) n.reach = 'unreachable';
    expect((await check(c, { count: 3 })).summary).toBe(
      `no node listed the members: ${timedOut(A)}; ${timedOut(B)}; ${timedOut(C)}`,
    );
  });

  it('names a count that is missing or negative', async () => {
    for (const count of [undefined, -1, 'three'])
      expect((await check(healthyCluster(), { count })).summary).toBe(
        'check members-count: argument "count" must be a number ≥ 0',
      );
  });
});
