import { describe, expect, it } from 'vitest';
import { dbSizeDropped } from '../../src/checks/db-size-dropped.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
/** A was just defragmented; the fake members hold 20,000,000 B each. */
const check = (c: FakeCluster, args: CheckArgs = {}) => verdictOf(dbSizeDropped, c, { node: A, nodes, ...args });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;

describe('db-size-dropped', () => {
  it('passes at exactly maxPercent (default 90) of the largest other member, fails one byte above', async () => {
    const c = healthyCluster();
    node(c, A).dbSizeBytes = 18_000_000;
    expect(await check(c)).toMatchObject({
      verdict: 'pass',
      expected: `db size of ${A} at most 90% of the largest other member's`,
      summary: `defragmentation freed space: member ${ID0} on ${A}: db 18,000,000 B is 90.0% of the 20,000,000 B of member ${ID1} on ${B}`,
    });
    node(c, A).dbSizeBytes = 18_000_001;
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      summary: `defragmentation freed too little: member ${ID0} on ${A}: db 18,000,001 B is 90.0% of the 20,000,000 B of member ${ID1} on ${B} (allowed ≤ 90%)`,
    });
    expect((await check(c, { maxPercent: 95 })).verdict).toBe('pass');
  });

  it('compares with the largest other member, not the first', async () => {
    const c = healthyCluster();
    node(c, C).dbSizeBytes = 40_000_000;
    expect((await check(c)).summary).toBe(
      `defragmentation freed space: member ${ID0} on ${A}: db 20,000,000 B is 50.0% of the 40,000,000 B of member ${ID2} on ${C}`,
    );
  });

  it('counts others of size 0 as no drop (100 %)', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.dbSizeBytes = 0;
    expect((await check(c)).summary).toMatch(/ is 100\.0% of the 0 B of /);
    expect((await check(c)).verdict).toBe('fail');
  });

  it('passes over a member not seen (it can only raise the reference), and says it was not seen', async () => {
    const c = healthyCluster();
    node(c, A).dbSizeBytes = 10_000_000;
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'pass',
      summary: `defragmentation freed space: member ${ID0} on ${A}: db 10,000,000 B is 50.0% of the 20,000,000 B of member ${ID1} on ${B} (not seen: ${timedOut(C)})`,
    });
  });

  it('cannot tell a drop too small while a member not seen may be larger', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `member ${ID0} on ${A}: db 20,000,000 B is 100.0% of the 20,000,000 B of member ${ID1} on ${B} (above 90%), but ${C}, not seen, may hold a larger one: ${timedOut(C)}`,
    });
  });

  it('cannot tell without its own row, or without another member to compare with', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `${A} did not show its own status row: ${timedOut(A)}`,
    });
    expect(await check(healthyCluster(), { nodes: [A] })).toMatchObject({
      verdict: 'unknown',
      summary: `no other member was seen to compare member ${ID0} on ${A} with`,
    });
    const two = healthyCluster();
    node(two, B).reach = 'unreachable';
    node(two, C).reach = 'unreachable';
    expect((await check(two)).summary).toBe(
      `no other member was seen to compare member ${ID0} on ${A} with: ${timedOut(B)}; ${timedOut(C)}`,
    );
  });
});
