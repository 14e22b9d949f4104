import { resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addReadOptions, register } from '../../../src/cli/commands/triage.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/** `talos-dr triage`: the read flags it shares with watch, its own, its help, and a replayed run. */

const READ_FLAGS = [
  '--param',
  '--window',
  '--read-timeout',
  '--quota',
  '--max-lag',
  '--talosctl',
  '--talosconfig',
  '--context',
  '--endpoints',
];

describe('addReadOptions', () => {
  it('adds exactly the shared read flags, each taking a value', () => {
    const cmd = addReadOptions(new Command('x'));
    expect(cmd.options.map((o) => o.long)).toEqual(READ_FLAGS);
    expect(cmd.options.every((o) => o.required)).toBe(true);
  });

  it('leaves the defaults to the parser (so a bad default is reported as the flag), with --param repeatable', async () => {
    const cmd = addReadOptions(new Command('x')).exitOverride();
    cmd.parse(['--param', 'nodes=a', '--param', 'members=3'], { from: 'user' });
    expect(cmd.opts()).toEqual({ param: ['nodes=a', 'members=3'] });
  });

  it('states the defaults the parser applies in the help', () => {
    const help = addReadOptions(new Command('x')).helpInformation();
    expect(help).toContain('default 3s');
    expect(help).toContain('default 5s');
  });
});

describe('triage', () => {
  it('takes --json, --save and --replay besides the read flags', async () => {
    const r = await parsedArgs(register, ['triage'], ['triage', '--json', '--save', 's.json', '--window=1s']);
    expect(r).toEqual({ args: [], opts: { param: [], json: true, save: 's.json', window: '1s' } });
  });

  it('lists its exit codes in --help', async () => {
    const r = await runRegistered(register, ['triage', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Triage exit codes: 0 healthy · 1 degraded (a runbook or an action is recommended) · 4 cannot tell · 2 usage.',
    );
  });

  it('sets the verdict’s exit code: 1 for a recorded NOSPACE', async () => {
    const r = await runRegistered(register, ['triage', '--replay', resolve('fixtures/triage/nospace.json')]);
    expect(r.code).toBe(1);
  });

  it('refuses a positional argument (nodes are a param)', async () => {
    const r = await runRegistered(register, ['triage', '127.0.0.11']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('too many arguments');
  });
});
