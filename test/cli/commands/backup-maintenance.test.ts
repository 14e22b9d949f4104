import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerBackupMaintenance } from '../../../src/cli/commands/backup-maintenance.js';
import type { CliContext } from '../../../src/io/context.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/** `backup prune` and `backup status`: the flags they take (and the ones they do not: no cluster connection). */

const reg = (program: Command, ctx: CliContext, set: (c: number) => void) =>
  registerBackupMaintenance(program.command('backup'), ctx, set);

describe('backup prune flags', () => {
  it('takes --keep and the restic-style --keep-<rule> flags, each as text for the policy parser', async () => {
    const r = await parsedArgs(
      reg,
      ['backup', 'prune'],
      [
        'backup',
        'prune',
        '--keep-last',
        '2',
        '--keep-hourly',
        '3',
        '--keep-daily',
        '7',
        '--keep-weekly',
        '4',
        '--keep-monthly',
        '12',
        '--keep-yearly',
        'unlimited',
        '--dry-run',
        '--target',
        '/b',
      ],
    );
    expect(r).toEqual({
      args: [],
      opts: {
        keepLast: '2',
        keepHourly: '3',
        keepDaily: '7',
        keepWeekly: '4',
        keepMonthly: '12',
        keepYearly: 'unlimited',
        dryRun: true,
        target: '/b',
      },
    });
  });

  it('does not take the connection flags of backup run', async () => {
    const r = await runRegistered(reg, ['backup', 'prune', '--keep', 'last=1', '--talosctl', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--talosctl'");
  });
});

describe('backup status flags', () => {
  it('defaults --format to text', async () => {
    expect(await parsedArgs(reg, ['backup', 'status'], ['backup', 'status'])).toEqual({
      args: [],
      opts: { format: 'text' },
    });
  });

  it('passes --max-age, --json, --out and --cluster through', async () => {
    const r = await parsedArgs(
      reg,
      ['backup', 'status'],
      ['backup', 'status', '--max-age', '26h', '--json', '--out', 'x.prom', '--cluster', 'c-1'],
    );
    expect(r).toEqual({ args: [], opts: { format: 'text', maxAge: '26h', json: true, out: 'x.prom', cluster: 'c-1' } });
  });

  it('refuses a --format outside text, json, prometheus when it runs (exit 2)', async () => {
    const r = await runRegistered(reg, ['backup', 'status', '--format', 'xml', '--target', '/nowhere']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'talos-dr: TDR_BAD_FORMAT --format "xml": unknown format\n  hint: use one of text, json, prometheus\n',
    );
  });
});
