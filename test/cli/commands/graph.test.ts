import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/graph.js';
import { runRegistered } from '../../helpers/cli-in-process.js';
import { INVALID_RUNBOOK } from '../../helpers/runbook-dir.js';

/** `talos-dr graph <runbook>`: Mermaid by default, JSON on request, nothing else. */

describe('graph', () => {
  it('prints Mermaid by default, starting at the first step', async () => {
    const r = await runRegistered(register, ['graph', 'health-check']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['stateDiagram-v2', '  [*] --> members']);
  });

  it('--format json gives the machine with the same initial state', async () => {
    const r = await runRegistered(register, ['graph', 'health-check', '--format', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { initial: string }).initial).toBe('members');
  });

  it.each(['svg', 'JSON', ''])('refuses --format %j with exit 2 and the choices', async (f) => {
    const r = await runRegistered(register, ['graph', 'health-check', '--format', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are mermaid, json');
    expect(r.stdout).toBe('');
  });

  it('exits 2 on an invalid runbook', async () => {
    const r = await runRegistered(register, ['graph', INVALID_RUNBOOK]);
    expect([r.code, r.stdout]).toEqual([2, '']);
  });
});
