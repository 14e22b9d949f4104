import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DRILL_FAULTS, type DrillFault } from '../../src/drill/fault-table.js';
import { DRILL_SCENARIOS, RUNBOOK_DRILLS, runbookOf } from '../../src/drill/runbook-drills.js';
import { TRIAGE_DRILLS, TRIAGE_FAULTS } from '../../src/drill/triage-drills.js';

// One fault table read by both kinds of drill: every row is used, every use names a row, and the
// tables stay true to the runbooks and the docs they promise.
describe('the drill tables', () => {
  const runbookUses = Object.values(RUNBOOK_DRILLS).flatMap((d) => d.faults);
  const triageUses: DrillFault[] = Object.values(TRIAGE_DRILLS).map((d) => d.fault);

  it('every row of the fault table is read by a runbook drill or a triage drill (no second table hides)', () => {
    const used = new Set<DrillFault>([...runbookUses, ...triageUses]);
    const unused = (Object.keys(DRILL_FAULTS) as DrillFault[]).filter((f) => f !== 'none' && !used.has(f));
    expect(unused).toEqual([]);
  });

  it('the faults both kinds of drill meet are the same rows', () => {
    // a lost or killed follower, a stuck learner, a quorum loss and the NOSPACE fills: one row each
    const both = [...new Set(runbookUses.filter((f) => triageUses.includes(f)))].sort();
    expect(both).toEqual(['kill-follower', 'lose-follower', 'nospace', 'nospace-full', 'quorum-loss', 'stuck-learner']);
  });

  it('a row that corrupts the snapshot runs only where the drill took one first', () => {
    for (const [scenario, d] of Object.entries(RUNBOOK_DRILLS))
      if (d.faults.some((f) => DRILL_FAULTS[f].on === 'snapshot')) expect(d.prepare?.take, scenario).toBe('snapshot');
  });

  it('a row with a write load waits for the lag to show', () => {
    for (const [name, f] of Object.entries(DRILL_FAULTS) as [string, { load?: number; settle?: unknown[] }][])
      if (f.load !== undefined) expect(f.settle?.length ?? 0, name).toBeGreaterThan(0);
  });

  it('every scenario runs a built-in runbook, and docs/drills.md names each scenario', () => {
    const doc = readFileSync('docs/drills.md', 'utf8');
    for (const s of DRILL_SCENARIOS) {
      expect(existsSync(`runbooks/${runbookOf(s)}.yaml`), s).toBe(true);
      expect(doc, s).toContain(`\`${s}\``);
    }
    expect(runbookOf('replace-lost-leader')).toBe('replace-lost-member');
    expect(runbookOf('nospace-recovery')).toBe('nospace-recovery');
  });

  it('docs/drills.md lists every triage fault', () => {
    const doc = readFileSync('docs/drills.md', 'utf8').replace(/\s+/g, ' ');
    expect(doc).toContain(
      `one of ${['eleven'][TRIAGE_FAULTS.length - 11] ?? TRIAGE_FAULTS.length} faults (${TRIAGE_FAULTS.join(', ')})`,
    );
  });
});
