import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRIAGE_FAULTS } from '../../../src/drill/triage-drills.js';
import { runCli } from '../../helpers/run-cli.js';

/**
 * Graded triage drills: for every lab fault, `talos-dr drill triage --fault <f> --json` brings up
 * a fresh lab, injects the fault, runs triage as a responder would (a separate process, default
 * thresholds, the lab's quota) and grades it against docs/triage.md's verdict table: the row, the
 * runbook (or none), its exact params and the member it is about.
 */
const work = mkdtempSync(join(tmpdir(), 'talos-dr-triage-drills-'));

interface Report {
  fault: string;
  graded: boolean;
  why: string;
  injected: string;
  got: { row: string; recommendation: { runbook: string; params: Record<string, string> } | null } | null;
}

describe('drill triage --fault: triage names the documented answer on every lab fault', () => {
  for (const fault of TRIAGE_FAULTS) {
    it(fault, async () => {
      const r = await runCli(['drill', 'triage', '--fault', fault, '--json', '--dir', join(work, fault)], {
        timeoutMs: 170_000,
      });
      let report: Report;
      try {
        report = JSON.parse(r.stdout) as Report;
      } catch {
        throw new Error(`drill triage --fault ${fault} printed no JSON (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
      }
      expect({ fault, graded: report.graded, why: report.why, injected: report.injected }).toMatchObject({
        fault,
        graded: true,
      });
      expect(r.code).toBe(0);
    });
  }

  it('refuses --fault without triage, and triage without --fault', async () => {
    const a = await runCli(['drill', 'nospace-recovery', '--fault', 'kill']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/--fault is for `drill triage` only/);
    const b = await runCli(['drill', 'triage']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/drill triage needs --fault/);
    const c = await runCli(['drill', 'triage', '--fault', 'meteor']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--fault/);
  });
});
