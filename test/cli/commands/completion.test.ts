import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/completion.js';
import { DRILL_SCENARIOS } from '../../../src/drill/runbook-drills.js';
import { runRegistered } from '../../helpers/cli-in-process.js';

/**
 * `talos-dr completion <shell>`: the script of the program it is registered in (here, a program
 * of `completion` alone, so the script lists exactly that), with the built-in runbook and drill names.
 */

const BUILTIN = readdirSync('runbooks')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

describe('completion', () => {
  it.each([
    ['bash', '# bash completion for talos-dr'],
    ['zsh', '#compdef talos-dr'],
    ['fish', '# fish completion for talos-dr'],
  ])('prints the %s script, exit 0', async (shell, head) => {
    const r = await runRegistered(register, ['completion', shell]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(head)).toBe(true);
  });

  it('completes the program it is part of: here its only command, completion, and the three shells', async () => {
    const r = await runRegistered(register, ['completion', 'bash']);
    expect(r.stdout).toContain(`"talos-dr") opts='-h --help'; words='completion'; files=0 ;;`);
    expect(r.stdout).toContain(`"talos-dr completion") opts='-h --help'; words='bash zsh fish'; files=0 ;;`);
  });

  it('has the built-in runbook and the drill names, for programs that take them', async () => {
    const { Command } = await import('commander');
    const withRun = (
      program: InstanceType<typeof Command>,
      ctx: Parameters<typeof register>[1],
      set: (c: number) => void,
    ) => {
      program.command('run').argument('<runbook>', 'a runbook');
      program.command('drill').argument('<runbook>', 'a scenario');
      register(program, ctx, set);
    };
    const r = await runRegistered(withRun, ['completion', 'bash']);
    expect(r.stdout).toContain(`"talos-dr run") opts='-h --help'; words='${BUILTIN.join(' ')}'; files=1 ;;`);
    expect(r.stdout).toContain(`"talos-dr drill") opts='-h --help'; words='${DRILL_SCENARIOS.join(' ')}'; files=0 ;;`);
  });

  it.each(['tcsh', 'Bash', ''])('refuses the shell %j with exit 2 and the three it knows', async (shell) => {
    const r = await runRegistered(register, ['completion', shell]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Allowed choices are bash, zsh, fish');
    expect(r.stdout).toBe('');
  });
});
