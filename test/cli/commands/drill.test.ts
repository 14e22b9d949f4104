import { describe, expect, it } from 'vitest';
import { membersOption, register } from '../../../src/cli/commands/drill.js';
import { TRIAGE_FAULTS } from '../../../src/drill/triage-drills.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/**
 * `talos-dr drill`: its flags and the split between a runbook drill and `drill triage --fault`,
 * each refusal made before any lab is brought up (no test here starts one).
 */

describe('membersOption', () => {
  const [flags, , parse, dflt] = membersOption();
  it('is --members <n>, 3 by default', () => {
    expect([flags, dflt]).toEqual(['--members <n>', 3]);
  });
  it.each([
    ['1', 1],
    ['9', 9],
  ])('takes %s', (v, n) => {
    expect(parse(v)).toBe(n);
  });
  it.each(['0', '10', '-1', '1.5', '3x', '', '03'])('refuses %j: --members must be 1 to 9', (v) => {
    expect(() => parse(v)).toThrow('--members must be 1 to 9');
  });
});

describe('drill flags', () => {
  it('defaults: no approvals, 3 members, 127.0.0.11, the default Talos, ephemeral etcd', async () => {
    const r = await parsedArgs(register, ['drill'], ['drill', 'nospace-recovery']);
    expect(r).toEqual({
      args: ['nospace-recovery'],
      opts: { members: 3, firstAddress: '127.0.0.11', talosVersion: '1.14', etcdVolume: 'ephemeral' },
    });
  });

  it('refuses --members 10 and an unknown --fault with exit 2 before any lab', async () => {
    const m = await runRegistered(register, ['drill', 'nospace-recovery', '--members', '10']);
    expect([m.code, m.stderr.includes('--members must be 1 to 9')]).toEqual([2, true]);
    const f = await runRegistered(register, ['drill', 'triage', '--fault', 'meteor']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain(`Allowed choices are ${TRIAGE_FAULTS.join(', ')}`);
  });

  it('refuses `drill triage` without --fault', async () => {
    const r = await runRegistered(register, ['drill', 'triage']);
    expect(r.code).toBe(2);
    expect(r.error?.message).toBe('drill triage needs --fault <fault>');
  });

  it('refuses --fault on a runbook drill rather than running the runbook without it', async () => {
    const r = await runRegistered(register, ['drill', 'nospace-recovery', '--fault', TRIAGE_FAULTS[0] ?? 'kill']);
    expect(r.code).toBe(2);
    expect(r.error?.message).toBe('--fault is for `drill triage` only');
    expect(r.stdout).toBe('');
  });
});
