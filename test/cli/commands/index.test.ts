import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { captureContext } from '../../helpers/cli-in-process.js';

/** The command registry: every top-level command, once, in the order --help and the README list them. */

describe('COMMANDS', () => {
  it('registers the fourteen commands of the README, in its order', async () => {
    const program = new Command('talos-dr');
    const { ctx } = captureContext();
    for (const load of COMMANDS) (await load()).register(program, ctx, () => {});
    expect(program.commands.map((c) => c.name())).toEqual([
      'list',
      'describe',
      'lint',
      'graph',
      'plan',
      'run',
      'resume',
      'log',
      'lab',
      'drill',
      'backup',
      'completion',
      'triage',
      'watch',
    ]);
  });

  it('gives each command a description for --help', async () => {
    const program = new Command('talos-dr');
    const { ctx } = captureContext();
    for (const load of COMMANDS) (await load()).register(program, ctx, () => {});
    expect(program.commands.filter((c) => c.description().length < 10).map((c) => c.name())).toEqual([]);
  });
});
