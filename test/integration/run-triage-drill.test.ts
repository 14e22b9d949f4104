import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runTriageDrill } from '../../src/drill/run-triage-drill.js';
import { readLabState } from '../../src/lab/state.js';

/**
 * runTriageDrill in-process on real labs at 127.0.0.121–123 (one at a time): a fresh lab, the
 * fault, `talos-dr triage --json` as a child process, the grade against docs/triage.md, and the
 * lab down afterwards. The CLI's `drill triage` over every fault is
 * test/integration/scenarios/triage-drills.test.ts.
 */
function workDir(): string {
  const w = mkdtempSync(join(tmpdir(), 'tdr-triage-drill-'));
  onTestFinished(() => rmSync(w, { recursive: true, force: true }));
  return join(w, 'lab');
}

describe('runTriageDrill', () => {
  it('healthy: triage answers the healthy row, graded, exit 0, the lab taken down', async () => {
    const dir = workDir();
    const said: string[] = [];
    const r = await runTriageDrill({
      fault: 'healthy',
      dir,
      firstAddress: '127.0.0.121',
      keepLab: false,
      say: (l) => said.push(l),
    });
    expect(r).toMatchObject({
      scenario: 'triage',
      fault: 'healthy',
      right: [{ row: 'healthy', runbook: null }],
      graded: true,
      exitCode: 0,
      got: { row: 'healthy', verdict: 'healthy', exitCode: 0, recommendation: null },
    });
    expect(said).toEqual([`fault: ${r.injected}`]);
    expect(readLabState(dir)).toBeNull();
  });

  it('a killed follower: triage names that member and the runbook for it', async () => {
    const dir = workDir();
    const r = await runTriageDrill({ fault: 'kill', dir, firstAddress: '127.0.0.121', keepLab: false, say: () => {} });
    expect(r.graded, r.why).toBe(true);
    expect(r.exitCode).toBe(0);
    const victim = /127\.0\.0\.12[1-3]/.exec(r.injected)?.[0];
    expect(victim).toBeDefined();
    expect(r.got?.subject?.node).toBe(victim);
    expect(r.right[0]?.runbook).toBeTruthy();
    expect(r.got?.recommendation?.runbook).toBe(r.right[0]?.runbook);
    expect(readLabState(dir)).toBeNull();
  });
});
