import { describe, expect, it } from 'vitest';
import { gradeTriage, type TriageGot } from '../../src/drill/triage-grade.js';

// The grade of `drill triage`: only the documented row, runbook, exact params and member pass.
const got = (over: Partial<TriageGot> = {}): TriageGot => ({
  row: 'member-lost',
  verdict: 'degraded',
  exitCode: 1,
  subject: { node: '127.0.0.13', member: 'ddc94412dde9164d' },
  recommendation: {
    runbook: 'replace-lost-member',
    params: { nodes: '127.0.0.11,127.0.0.12,127.0.0.13', members: '3' },
    command: 'talos-dr run replace-lost-member …',
  },
  headline: 'member ddc94412dde9164d on 127.0.0.13 is lost',
  tookMs: 4000,
  ...over,
});
const right = [
  {
    row: 'member-lost',
    runbook: 'replace-lost-member',
    params: { nodes: '127.0.0.11,127.0.0.12,127.0.0.13', members: '3' },
    subject: '127.0.0.13',
  },
];

describe('gradeTriage', () => {
  it('passes the documented answer', () => {
    expect(gradeTriage(right, got())).toEqual({
      ok: true,
      why: 'row member-lost, replace-lost-member with the right params',
    });
  });

  it('fails another row, another runbook, a missing, extra or wrong param, or another member', () => {
    expect(gradeTriage(right, got({ row: 'member-timeout' })).why).toBe('row member-timeout, expected member-lost');
    expect(gradeTriage(right, got({ recommendation: null })).why).toBe('runbook none, expected replace-lost-member');
    const params = (p: Record<string, string>) =>
      got({ recommendation: { runbook: 'replace-lost-member', params: p, command: '' } });
    expect(gradeTriage(right, params({ nodes: '127.0.0.11,127.0.0.12,127.0.0.13' })).why).toBe(
      'params members=(none) (expected 3)',
    );
    expect(
      gradeTriage(right, params({ nodes: '127.0.0.11,127.0.0.12,127.0.0.13', members: '3', maxLag: '100' })).ok,
    ).toBe(false);
    expect(gradeTriage(right, params({ nodes: '127.0.0.11,127.0.0.12', members: '3' })).ok).toBe(false);
    expect(gradeTriage(right, got({ subject: { node: '127.0.0.12', member: 'x' } })).why).toBe(
      'about 127.0.0.12, expected 127.0.0.13',
    );
    expect(gradeTriage(right, null)).toEqual({ ok: false, why: 'triage printed no JSON' });
  });

  it('passes any one of several right answers, and says why each other one missed', () => {
    const either = [...right, { row: 'partition', runbook: null, subject: '127.0.0.13' }];
    expect(gradeTriage(either, got({ row: 'partition', recommendation: null })).ok).toBe(true);
    expect(gradeTriage(either, got({ row: 'healthy', recommendation: null })).why).toBe(
      'row healthy, expected member-lost; or row healthy, expected partition',
    );
  });
});
