import { describe, expect, it } from 'vitest';
import { isTalosDrError } from '../../src/io/errors.js';
import { DECISION_TABLE } from '../../src/triage/decision-table.js';
import { fixtureNames, loadFixture, triageFixture, validateRunParams } from './helpers.js';

/**
 * One case per row of the decision table (docs/triage.md), each a cluster state recorded from the
 * lab or DERIVED from a recording by editing its talosctl text (fixtures/triage/, SOURCE.md),
 * replayed through the real reader and parsers. Every runbook a row names is fed to that runbook's
 * own param validation.
 */

const ALL = '127.0.0.81,127.0.0.82,127.0.0.83';
const N3 = '127.0.0.83';

interface Case {
  fixture: string;
  row: string;
  exit: 0 | 1 | 4;
  runbook?: string;
  params?: Record<string, string>;
  subject?: { node: string; member: string };
  /** a value the headline must name */
  says?: string;
}

const CASES: Case[] = [
  { fixture: 'healthy', row: 'healthy', exit: 0 },
  { fixture: 'derived-no-answer', row: 'no-answer', exit: 4 },
  { fixture: 'derived-quorum-lost-unseen', row: 'quorum-lost-unseen', exit: 4 },
  {
    fixture: 'quorum-loss',
    row: 'quorum-lost-machines-down',
    exit: 1,
    runbook: 'restore-from-snapshot',
    params: { nodes: ALL, snapshot: '<snapshot file>', members: '3' },
    says: '127.0.0.82 and 127.0.0.83 are off',
  },
  {
    fixture: 'lose-majority',
    row: 'quorum-lost',
    exit: 1,
    runbook: 'restore-from-snapshot',
    params: { nodes: ALL, snapshot: '<snapshot file>', members: '3' },
  },
  { fixture: 'derived-no-leader', row: 'no-leader', exit: 1 },
  {
    fixture: 'derived-partition',
    row: 'partition',
    exit: 1,
    subject: { node: N3, member: 'f01967dd4c9d5919' },
    says: 'cut off',
  },
  { fixture: 'nospace', row: 'nospace', exit: 1, runbook: 'nospace-recovery', params: { nodes: ALL } },
  { fixture: 'nospace-full', row: 'nospace', exit: 1, runbook: 'nospace-recovery', params: { nodes: ALL } },
  { fixture: 'derived-corrupt', row: 'corrupt', exit: 1, says: 'CORRUPT' },
  {
    fixture: 'lose',
    row: 'member-lost',
    exit: 1,
    runbook: 'replace-lost-member',
    params: { nodes: ALL, members: '3' },
    subject: { node: N3, member: 'f01967dd4c9d5919' },
  },
  {
    fixture: 'kill',
    row: 'member-lost',
    exit: 1,
    runbook: 'replace-lost-member',
    params: { nodes: ALL, members: '3' },
    subject: { node: N3, member: 'f01967dd4c9d5919' },
  },
  { fixture: 'derived-member-timeout', row: 'member-timeout', exit: 4 },
  { fixture: 'two-lost-of-five', row: 'members-lost', exit: 1, says: '2 members are down' },
  { fixture: 'derived-certificate', row: 'not-seen', exit: 4 },
  { fixture: 'derived-flap-leader', row: 'leader-unstable', exit: 1, says: 'term 4' },
  {
    fixture: 'stuck-learner',
    row: 'learner',
    exit: 1,
    runbook: 'member-not-syncing',
    params: { nodes: ALL, members: '3' },
    subject: { node: N3, member: '7b006ebeef9c4a43' },
  },
  {
    fixture: 'derived-lagging',
    row: 'lagging',
    exit: 1,
    runbook: 'member-not-syncing',
    params: { nodes: ALL, maxLag: '100', members: '3' },
    subject: { node: N3, member: 'f01967dd4c9d5919' },
  },
  {
    fixture: 'derived-catching-up',
    row: 'catching-up',
    exit: 1,
    subject: { node: N3, member: 'f01967dd4c9d5919' },
  },
  {
    fixture: 'derived-quota-fragmented',
    row: 'quota-fragmented',
    exit: 1,
    runbook: 'rolling-defrag',
    params: { nodes: ALL },
  },
  { fixture: 'derived-quota-full', row: 'quota-full', exit: 1 },
  { fixture: 'derived-fragmented', row: 'fragmented', exit: 1, runbook: 'rolling-defrag', params: { nodes: ALL } },
  { fixture: 'derived-alarms-unread', row: 'unclear', exit: 4 },
];

describe('the decision table over recorded cluster states', () => {
  it('has a case for every row, and every fixture has a case', () => {
    expect(new Set(CASES.map((c) => c.row))).toEqual(new Set(DECISION_TABLE.map((r) => r.id)));
    expect(new Set(CASES.map((c) => c.fixture))).toEqual(new Set(fixtureNames()));
  });

  it('row ids are unique, and only the last row may always decide', () => {
    const ids = DECISION_TABLE.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(DECISION_TABLE.at(-1)?.id).toBe('unclear');
  });

  it('every fixture says where it comes from: recorded from the lab, or DERIVED from which recording', () => {
    for (const name of fixtureNames()) {
      const source = loadFixture(name).source;
      if (name.startsWith('derived-')) expect(source).toMatch(/^DERIVED from [a-z-]+\.json \(recorded from the lab/);
      else expect(source).toMatch(/^recorded from the lab \(talosctl-lab/);
    }
  });

  it.each(CASES)('$fixture → $row (exit $exit)', async (c) => {
    const t = await triageFixture(c.fixture);
    expect({ row: t.row, exit: t.exitCode }).toEqual({ row: c.row, exit: c.exit });
    const row = DECISION_TABLE.find((r) => r.id === c.row);
    expect(t.verdict).toBe(row?.verdict);
    expect(t.recommendation?.runbook).toBe(c.runbook);
    expect(t.recommendation?.runbook ?? null).toBe(row?.runbook ?? null);
    if (c.params) expect(t.recommendation?.params).toEqual(c.params);
    expect(t.subject).toEqual(c.subject);
    if (c.says) expect(t.headline).toContain(c.says);
    // cannot tell always says what is missing; a degraded verdict without a runbook says what to do
    if (t.verdict === 'cannot-tell') expect(t.missing.length).toBeGreaterThan(0);
    if (t.verdict === 'degraded' && !t.recommendation) expect(t.first).toBeTruthy();
  });
});

describe('every recommendation is a command its runbook accepts', () => {
  const recommending = CASES.filter((c) => c.runbook !== undefined);

  it.each(recommending)('$fixture: talos-dr run $runbook', async (c) => {
    const t = await triageFixture(c.fixture);
    const r = t.recommendation;
    if (!r) throw new Error('no recommendation');
    // the argv is what the command line says, param by param
    expect(r.argv.slice(0, 2)).toEqual(['run', c.runbook]);
    expect(r.command.startsWith(`talos-dr run ${c.runbook} `)).toBe(true);
    const filled = Object.fromEntries(
      Object.entries(r.params).map(([k, v]) => [
        k,
        r.placeholders.some((p) => p.text === v) ? '/backups/etcd/good.snapshot' : v,
      ]),
    );
    // with its placeholders filled in, the runbook's own validation accepts every param
    const parsed = validateRunParams(r.runbook, filled);
    for (const k of Object.keys(r.params)) expect(parsed[k]).toBeDefined();
    // pasted unedited, a placeholder is refused before anything runs
    if (r.placeholders.length > 0) {
      let refused: unknown;
      try {
        validateRunParams(r.runbook, r.params);
      } catch (e) {
        refused = e;
      }
      expect(isTalosDrError(refused) && refused.code).toBe('TDR_BAD_PARAM');
      for (const p of r.placeholders) expect(p.meaning.length).toBeGreaterThan(20);
    }
  });
});
