import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/backup.js';
import { store, tempTarget } from '../../backup/maintenance-cli.js';
import { makeRecord } from '../../backup/retention-records.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/** `talos-dr backup …`: the group and its six subcommands, the flags of run, list and verify. */

describe('backup', () => {
  it('has run, list, verify, restore-drill, prune and status', async () => {
    const r = await runRegistered(register, ['backup', '--help']);
    expect(r.code).toBe(0);
    const names = [...r.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]);
    expect(names).toEqual(['run', 'list', 'verify', 'restore-drill', 'prune', 'status', 'help']);
  });

  it('run: --param and --encrypt-to repeat, both empty by default', async () => {
    expect(await parsedArgs(register, ['backup', 'run'], ['backup', 'run'])).toEqual({
      args: [],
      opts: { param: [], encryptTo: [] },
    });
    const r = await parsedArgs(
      register,
      ['backup', 'run'],
      [
        'backup',
        'run',
        '--param',
        'nodes=127.0.0.11,127.0.0.12',
        '--param=node=127.0.0.12',
        '--encrypt-to',
        'age1a',
        '--encrypt-to',
        'age1b',
        '--keep',
        'daily=7',
      ],
    );
    expect(r).toMatchObject({
      opts: {
        param: ['nodes=127.0.0.11,127.0.0.12', 'node=127.0.0.12'],
        encryptTo: ['age1a', 'age1b'],
        keep: 'daily=7',
      },
    });
  });

  it('verify: the id is optional (latest), --all is a switch', async () => {
    expect(await parsedArgs(register, ['backup', 'verify'], ['backup', 'verify', '--all'])).toEqual({
      args: [undefined],
      opts: { all: true },
    });
  });

  it('list runs against a directory target and exits 0', async () => {
    const { dir, target } = tempTarget();
    const rec = makeRecord('2026-12-01T00:00:00.000Z', 'verified', 1);
    await store(target, [rec]);
    const r = await runRegistered(register, ['backup', 'list', '--target', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(rec.id);
  });

  it('verify refuses an id with --all (exit 2) without reading the target', async () => {
    const r = await runRegistered(register, ['backup', 'verify', 'latest', '--all', '--target', '/nowhere']);
    expect(r.code).toBe(2);
    expect(r.error?.code).toBe('TDR_USAGE');
  });
});
