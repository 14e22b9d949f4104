import { describe, expect, it } from 'vitest';
import { NEAR_QUOTA_SHARE } from '../../src/triage/model.js';
import { fragmentedRow, healthy, quotaFragmented, quotaFull, unclear } from '../../src/triage/rows-space.js';
import { fixtureNames, fixturesDecidedBy, viewOfFixture } from './helpers.js';

/**
 * The space rows and the last two rows. Alone, a later row decides on states a row above takes
 * (healthy on a fragmented cluster): the table's order is what makes them right, and the sets
 * below pin how far each condition reaches on its own.
 */

describe('the space rows, each alone over every fixture', () => {
  it.each([
    [quotaFragmented, ['derived-quota-fragmented']],
    [quotaFull, ['derived-quota-fragmented', 'derived-quota-full']],
    [fragmentedRow, ['derived-fragmented', 'derived-quota-fragmented']],
    [healthy, ['derived-fragmented', 'derived-quota-fragmented', 'derived-quota-full', 'healthy']],
  ] as const)('%# decides on exactly these states', async (row, expected) => {
    expect(await fixturesDecidedBy(row)).toEqual(expected);
  });

  it('the last row always decides, and always says what is missing', async () => {
    expect(await fixturesDecidedBy(unclear)).toEqual(fixtureNames());
    const { view, options } = await viewOfFixture('derived-alarms-unread');
    expect(unclear.decide(view, options)?.missing?.[0]).toBe('the alarm list of any node');
  });
});

describe('near the quota', () => {
  it('decides at exactly the share of the quota, and not a byte under', async () => {
    const { view, options } = await viewOfFixture('healthy');
    const biggest = Math.max(...view.polls[1].rows.answered.map((r) => r.value.dbSizeBytes));
    expect(biggest).toBeGreaterThan(0);
    const atLine = biggest / NEAR_QUOTA_SHARE;
    expect(quotaFull.decide(view, { ...options, quotaBytes: atLine })?.headline).toBe(
      'etcd is near its quota with live data: NOSPACE is coming',
    );
    expect(quotaFull.decide(view, { ...options, quotaBytes: atLine + 2 })).toBeUndefined();
  });

  it('the quota given with --quota moves the line: a full cluster under a larger quota is not near it', async () => {
    const { view, options } = await viewOfFixture('derived-quota-full');
    expect(quotaFull.decide(view, options)?.why).toMatch(/^member [0-9a-f]{16} on 127\.0\.0\.\d+: DB SIZE /);
    expect(quotaFull.decide(view, { ...options, quotaBytes: options.quotaBytes * 100 })).toBeUndefined();
  });

  it('quota-fragmented recommends rolling-defrag on the control plane', async () => {
    const { view, options } = await viewOfFixture('derived-quota-fragmented');
    expect(quotaFragmented.decide(view, options)?.params).toEqual({ nodes: '127.0.0.81,127.0.0.82,127.0.0.83' });
  });
});

describe('healthy', () => {
  it('names the leader, its node and term', async () => {
    const { view, options } = await viewOfFixture('healthy');
    expect(healthy.decide(view, options)?.headline).toMatch(
      /^healthy: 3 voters follow leader [0-9a-f]{16} on 127\.0\.0\.8\d \(term \d+\), no alarm$/,
    );
  });

  it('a lag beyond maxLag is not healthy; the same lag within a larger maxLag is', async () => {
    const { view, options } = await viewOfFixture('derived-lagging');
    const lags = Object.values(view.polls[1].lag).map((l) => l.lag);
    const worst = Math.max(...lags);
    expect(worst, 'the recording has some lag to test against').toBeGreaterThan(0);
    expect(healthy.decide(view, { ...options, maxLag: worst - 1 })).toBeUndefined();
    expect(healthy.decide(view, { ...options, maxLag: worst })?.why).toMatch(/^every member answered both polls/);
  });
});
