import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../src/triage/findings.js';
import { viewOfFixture } from './helpers.js';

/** Everything triage saw, whatever the verdict: one finding per member, the leader, alarms, preflight. */

const findings = async (name: string, quotaBytes?: number) => {
  const { view, options } = await viewOfFixture(name);
  return findingsOf(view, quotaBytes === undefined ? options : { ...options, quotaBytes });
};

describe('findingsOf', () => {
  it('healthy: every member ok with its numbers, the leader, no alarm, the preflight as info', async () => {
    const f = await findings('healthy');
    expect(f.map((x) => `${x.id}:${x.severity}`)).toEqual([
      'member:ok',
      'member:ok',
      'member:ok',
      'leader:ok',
      'alarms:ok',
      'members-count:info',
      'clock-skew:info',
      'versions:info',
    ]);
    expect(f[0]).toMatchObject({ node: '127.0.0.81', member: '750f82d0bd760ee4' });
    expect(f[0]?.text).toBe(
      'member 750f82d0bd760ee4 on 127.0.0.81: DB SIZE 45 kB (0.0% of quota), IN USE 81.82%, raft index 112 term 2, lag 0 → 0',
    );
    expect(f[0]?.evidence).toMatchObject({ state: 'up', dbSizeBytes: 45000, raftIndex: 112, lag: [0, 0] });
    expect(f[3]?.text).toMatch(/^3 voters \(from the member list of .*\), quorum 2; poll 1: leader 750f82d0bd760ee4/);
  });

  it('the quota share is measured against the quota given', async () => {
    const f = await findings('healthy', 50_000);
    expect(f[0]?.text).toContain('DB SIZE 45 kB (90.0% of quota)');
    expect(f[0]?.evidence.quotaUseRatio).toBeCloseTo(0.9, 6);
  });

  it('an alarm is a problem, named with its member and who saw it', async () => {
    const alarm = (await findings('nospace')).filter((x) => x.id === 'alarm');
    expect(alarm).toEqual([
      {
        id: 'alarm',
        severity: 'problem',
        text: 'NOSPACE raised on member 750f82d0bd760ee4 on 127.0.0.81 (seen by 127.0.0.81, 127.0.0.82 and 127.0.0.83)',
        member: '750f82d0bd760ee4',
        node: '127.0.0.81',
        evidence: { kind: 'NOSPACE', seenBy: ['127.0.0.81', '127.0.0.82', '127.0.0.83'] },
      },
    ]);
  });

  it('a machine that times out is unknown, one that refuses is a problem', async () => {
    const t = (await findings('derived-member-timeout')).find((x) => x.node === '127.0.0.83');
    expect(t).toMatchObject({ id: 'member', severity: 'unknown', evidence: { state: 'machine-timeout' } });
    const five = await findings('two-lost-of-five');
    expect(five.filter((x) => x.id === 'member' && x.severity === 'problem').map((x) => x.node)).toEqual([
      '127.0.0.84',
      '127.0.0.85',
    ]);
  });
});
