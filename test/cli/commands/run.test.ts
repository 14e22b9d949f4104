import { describe, expect, it } from 'vitest';
import { READ_TIMEOUT_OPTION, register } from '../../../src/cli/commands/run.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/** `talos-dr run <runbook>`: how its flags reach runCommand (repeatable ones in order, switches). */

describe('run flags', () => {
  it('has empty --param and --approve lists by default and no switch on', async () => {
    expect(await parsedArgs(register, ['run'], ['run', 'health-check'])).toEqual({
      args: ['health-check'],
      opts: { param: [], approve: [] },
    });
  });

  it('collects repeated --param and --approve in order, --flag=value spelling included', async () => {
    const r = await parsedArgs(
      register,
      ['run'],
      [
        'run',
        'replace-lost-member',
        '--approve',
        'remove-member@a49c021e76e707db',
        '--param=nodes=10.0.0.2',
        '--approve=reset',
        '--param',
        'healthy=10.0.0.2',
        '--dry-run',
        '--witness-syslog',
        '--read-timeout',
        '30s',
      ],
    );
    expect(r).toEqual({
      args: ['replace-lost-member'],
      opts: {
        param: ['nodes=10.0.0.2', 'healthy=10.0.0.2'],
        approve: ['remove-member@a49c021e76e707db', 'reset'],
        dryRun: true,
        witnessSyslog: true,
        readTimeout: '30s',
      },
    });
  });

  it('keeps a value that looks like a flag after -- as the runbook, not as a flag', async () => {
    expect(await parsedArgs(register, ['run'], ['run', '--', '--dry-run'])).toEqual({
      args: ['--dry-run'],
      opts: { param: [], approve: [] },
    });
  });

  it('refuses short spellings it does not define and an unknown flag, exit 2', async () => {
    for (const argv of [
      ['run', 'health-check', '-n', '10.0.0.2'],
      ['run', 'health-check', '--nodes=10.0.0.2'],
      ['run', 'health-check', '--dryrun'],
    ]) {
      const r = await runRegistered(register, argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/unknown option '(-n|--nodes=10\.0\.0\.2|--dryrun)'/);
    }
  });

  it('shares --read-timeout <duration> with resume, default 10s in its help', () => {
    expect(READ_TIMEOUT_OPTION[0]).toBe('--read-timeout <duration>');
    expect(READ_TIMEOUT_OPTION[1]).toContain('default 10s');
  });
});
