import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/describe.js';
import { runRegistered } from '../../helpers/cli-in-process.js';
import { INVALID_RUNBOOK, VALID_RUNBOOK } from '../../helpers/runbook-dir.js';

/** `talos-dr describe <runbook>`: text for people, --json for scripts; a bad runbook is exit 2. */

describe('describe', () => {
  it('describes a built-in runbook by name, as text', async () => {
    const r = await runRegistered(register, ['describe', 'health-check']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('health-check: Check etcd health');
  });

  it('--json gives the same runbook as data', async () => {
    const r = await runRegistered(register, ['describe', VALID_RUNBOOK, '--json']);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout) as { name: string; title: string };
    expect([d.name, d.title]).toEqual(['remove-lost-member', 'Remove a lost etcd member (fixture)']);
  });

  it('exits 2 on an invalid runbook file, printing its diagnostics, not a description', async () => {
    const r = await runRegistered(register, ['describe', INVALID_RUNBOOK]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('RB1103');
  });

  it('refuses an unknown name with its code, listing the built-in ones', async () => {
    const r = await runRegistered(register, ['describe', 'no-such']);
    expect(r.code).toBe(2);
    expect(r.error?.code).toBe('TDR_RUNBOOK_NOT_FOUND');
    expect(r.error?.hint).toContain('health-check');
  });
});
