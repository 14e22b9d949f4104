import { describe, expect, it } from 'vitest';
import type { Triage } from '../../src/triage/model.js';
import { recommend, SNAPSHOT_PLACEHOLDER } from '../../src/triage/recommend.js';
import { triageText } from '../../src/triage/text.js';
import { triageFixture } from './helpers.js';

const base: Triage = {
  verdict: 'degraded',
  row: 'quorum-lost',
  headline: 'quorum is lost',
  why: 'two of three members are down',
  missing: [],
  findings: [
    { id: 'member', severity: 'ok', text: 'member a on n1 up', evidence: {} },
    { id: 'member', severity: 'problem', text: 'member b on n2 down', evidence: {} },
    { id: 'clock', severity: 'unknown', text: 'clock of n3 not read', evidence: {} },
  ],
  exitCode: 1,
};

describe('triageText', () => {
  it('verdict first, then the command with its placeholder explained, why, findings and the row', () => {
    const t: Triage = {
      ...base,
      recommendation: recommend(
        'restore-from-snapshot',
        { nodes: 'n1,n2,n3', snapshot: SNAPSHOT_PLACEHOLDER.text },
        [SNAPSHOT_PLACEHOLDER],
        [],
      ),
    };
    expect(triageText(t, { windowSeconds: 3, tookMs: 4250 })).toBe(
      [
        'DEGRADED: quorum is lost',
        '',
        'Run:',
        "  talos-dr run restore-from-snapshot --param nodes=n1,n2,n3 --param 'snapshot=<snapshot file>'",
        `  replace <snapshot file> (param snapshot) with ${SNAPSHOT_PLACEHOLDER.meaning}`,
        '',
        'Why: two of three members are down',
        '',
        'Findings (2 polls 3.0 s apart, 4.3 s in all):',
        '  ok       member a on n1 up',
        '  PROBLEM  member b on n2 down',
        '  unknown  clock of n3 not read',
        '',
        'Decision row: quorum-lost (docs/triage.md). Exit 1.',
        '',
      ].join('\n'),
    );
  });

  it('"First:" comes before the command, which then reads "Then run:"', () => {
    const t: Triage = { ...base, first: 'bring n2 back', recommendation: recommend('x', { nodes: 'n1' }, [], []) };
    const text = triageText(t, { windowSeconds: 3 });
    expect(text.indexOf('First: bring n2 back')).toBeLessThan(text.indexOf('Then run:'));
    expect(text).not.toContain('\nRun:');
    expect(text).toContain('Findings (2 polls 3.0 s apart):');
  });

  it('degraded with no runbook says so; cannot tell lists what is missing', () => {
    expect(triageText(base, { windowSeconds: 1 })).toContain('No runbook fits this state: do what is said above.');
    const unsure: Triage = { ...base, verdict: 'cannot-tell', missing: ['an answer from n1'], exitCode: 4 };
    const text = triageText(unsure, { windowSeconds: 1 });
    expect(text.split('\n')[0]).toBe('CANNOT TELL: quorum is lost');
    expect(text).toContain('Missing:\n  - an answer from n1\n');
    expect(text).not.toContain('No runbook fits');
  });

  it('a healthy cluster: no capitals but the verdict, no FAIL', async () => {
    const text = triageText(await triageFixture('healthy'), { windowSeconds: 3 });
    expect(text.startsWith('HEALTHY: healthy: 3 voters follow leader')).toBe(true);
    expect(text).not.toMatch(/PROBLEM|FAIL|Run:/);
    expect(text.trimEnd().endsWith('Decision row: healthy (docs/triage.md). Exit 0.')).toBe(true);
  });
});
