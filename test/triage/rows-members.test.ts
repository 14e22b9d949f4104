import { describe, expect, it } from 'vitest';
import {
  catchingUp,
  corrupt,
  lagging,
  learner,
  memberLost,
  membersLost,
  memberTimeout,
  nospace,
  notSeen,
} from '../../src/triage/rows-members.js';
import { fixturesDecidedBy, viewOfFixture } from './helpers.js';

/**
 * Each row of rows-members.ts asked alone over every recorded or derived cluster state
 * (fixtures/triage/): the states it decides on without the rows above it. The table's order
 * (decision-table.test.ts) is a second guard; this one fails when a row's own condition widens.
 */

describe('the member rows, each alone over every fixture', () => {
  it.each([
    [nospace, ['nospace', 'nospace-full']],
    [corrupt, ['derived-corrupt']],
    [memberLost, ['kill', 'lose']],
    [memberTimeout, ['derived-member-timeout']],
    [membersLost, ['two-lost-of-five']],
    [notSeen, ['derived-certificate']],
    [learner, ['stuck-learner']],
    [lagging, ['derived-lagging']],
    [catchingUp, ['derived-catching-up']],
  ] as const)('%# decides on exactly its own states', async (row, expected) => {
    expect(await fixturesDecidedBy(row)).toEqual(expected);
  });
});

describe('what the member rows say', () => {
  it('nospace names the member and who saw the alarm, and fills in the control plane', async () => {
    const { view, options } = await viewOfFixture('nospace');
    const d = nospace.decide(view, options);
    expect(d?.params).toEqual({ nodes: '127.0.0.81,127.0.0.82,127.0.0.83' });
    expect(d?.headline).toMatch(/^etcd is out of space: NOSPACE is raised on member [0-9a-f]{16}/);
    expect(d?.why).toContain('seen by 127.0.0.81');
  });

  it('a lost member: subject, params and what to try before replacing it', async () => {
    for (const name of ['lose', 'kill']) {
      const { view, options } = await viewOfFixture(name);
      const d = memberLost.decide(view, options);
      expect(d?.subject, name).toEqual({ node: '127.0.0.83', member: 'f01967dd4c9d5919' });
      expect(d?.params, name).toEqual({ nodes: '127.0.0.81,127.0.0.82,127.0.0.83', members: '3' });
      expect(d?.headline, name).toMatch(/^member f01967dd4c9d5919 on 127\.0\.0\.83 is lost.*; quorum holds$/);
    }
  });

  it('a member that only timed out is never called lost', async () => {
    const { view, options } = await viewOfFixture('derived-member-timeout');
    expect(memberLost.decide(view, options)).toBeUndefined();
    expect(membersLost.decide(view, options)).toBeUndefined();
    const d = memberTimeout.decide(view, options);
    expect(d?.missing?.length).toBeGreaterThan(0);
    expect(d?.missing?.[0]).toMatch(/^whether 127\.0\.0\.\d+ is up/);
  });

  it('lagging carries triage’s maxLag into the runbook; a larger maxLag sees no lag', async () => {
    const { view, options } = await viewOfFixture('derived-lagging');
    expect(lagging.decide(view, options)?.params).toEqual({
      nodes: '127.0.0.81,127.0.0.82,127.0.0.83',
      maxLag: String(options.maxLag),
      members: '3',
    });
    expect(lagging.decide(view, { ...options, maxLag: 10_000_000 })).toBeUndefined();
  });

  it('a member catching up is not lagging, and lagging is not catching up', async () => {
    const up = await viewOfFixture('derived-catching-up');
    expect(lagging.decide(up.view, up.options)).toBeUndefined();
    expect(catchingUp.decide(up.view, up.options)?.subject).toEqual({
      node: '127.0.0.83',
      member: 'f01967dd4c9d5919',
    });
    const lag = await viewOfFixture('derived-lagging');
    expect(catchingUp.decide(lag.view, lag.options)).toBeUndefined();
  });
});
