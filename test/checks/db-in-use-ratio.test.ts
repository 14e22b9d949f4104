import { describe, expect, it } from 'vitest';
import { dbInUseRatio } from '../../src/checks/db-in-use-ratio.js';
import type { CheckArgs } from '../../src/checks/verdict.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [, ID1] = IDS;
const check = (c: FakeCluster, args: CheckArgs = {}) => verdictOf(dbInUseRatio, c, { nodes, ...args });

describe('db-in-use-ratio (the fake members use 10 of 20 MB: 50 %)', () => {
  it('passes within the default 0–100 %, listing every ratio', async () => {
    expect(await check(healthyCluster())).toMatchObject({
      verdict: 'pass',
      expected: 'in-use ratio between 0% and 100% on every member',
      summary: `in-use ratio within 0–100%: ${A} 50.00%, ${B} 50.00%, ${C} 50.00%`,
    });
  });

  it('holds both bounds inclusive: exactly at min or max passes, just past either fails', async () => {
    const c = healthyCluster();
    expect((await check(c, { min: 50 })).verdict).toBe('pass');
    expect((await check(c, { max: 50 })).verdict).toBe('pass');
    expect((await check(c, { min: 50.01 })).verdict).toBe('fail');
    expect((await check(c, { max: 49.99 })).verdict).toBe('fail');
  });

  it('fails naming only the members outside, in hex with their node', async () => {
    const c = healthyCluster();
    node(c, B).inUseBytes = 15_000_000;
    expect(await check(c, { max: '60' })).toMatchObject({
      verdict: 'fail',
      expected: `in-use ratio between 0% and 60% on every member, last saw member ${ID1} on ${B} uses 75.00% of its db`,
      summary: `member ${ID1} on ${B} uses 75.00% of its db (allowed 0–60%)`,
    });
  });

  it('cannot tell while a member was not read; a member seen outside fails even so', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `cannot read every member: ${C} did not answer (timed out after 10s asking ${C})`,
    });
    node(c, B).inUseBytes = 15_000_000;
    expect((await check(c, { max: 60 })).verdict).toBe('fail');
  });

  it('names a bound that is not a number', async () => {
    expect((await check(healthyCluster(), { max: 'lots' })).summary).toBe(
      'check db-in-use-ratio: argument "max" must be a number ≥ 0',
    );
  });
});
