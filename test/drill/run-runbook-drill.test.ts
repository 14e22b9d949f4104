import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runDrill } from '../../src/drill/run-runbook-drill.js';
import { DRILL_SCENARIOS } from '../../src/drill/runbook-drills.js';
import { captureContext } from '../helpers/cli-in-process.js';

/**
 * `talos-dr drill <scenario>` refuses a scenario it has no drill for before it makes a work dir
 * or starts a lab (exit 2, the known scenarios named). The drills themselves run real labs:
 * test/integration/scenarios/.
 */
describe('runDrill', () => {
  it('an unknown scenario: TDR_BAD_PARAM naming the drills that exist; no lab, no work dir', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tdr-run-drill-'));
    onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
    const { ctx, out } = captureContext({ cwd });
    const before = readdirSync(tmpdir()).filter((f) => f.startsWith('talos-dr-drill-')).length;
    await expect(
      runDrill({ scenario: 'nospace-recovery-typo', approveAll: true, members: 3, keepLab: false, dir: 'lab' }, ctx),
    ).rejects.toMatchObject({
      code: 'TDR_BAD_PARAM',
      exitCode: 2,
      message: `<runbook> "nospace-recovery-typo": drills exist for: ${DRILL_SCENARIOS.join(', ')}`,
    });
    expect(DRILL_SCENARIOS.length).toBeGreaterThan(1);
    expect(out()).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(tmpdir()).filter((f) => f.startsWith('talos-dr-drill-')).length).toBe(before);
  });
});
