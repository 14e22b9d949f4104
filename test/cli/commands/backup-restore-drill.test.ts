import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerRestoreDrill } from '../../../src/cli/commands/backup-restore-drill.js';
import type { CliContext } from '../../../src/io/context.js';
import { store, tempTarget } from '../../backup/maintenance-cli.js';
import { makeRecord } from '../../backup/retention-records.js';
import { parsedArgs, runRegistered } from '../../helpers/cli-in-process.js';

/**
 * `backup restore-drill`: what it refuses before any lab (a bad address range, an unknown or
 * unreadable backup, an encrypted one without an identity), and its flags. No lab is started:
 * every case here ends before the addresses are probed.
 */

const reg = (program: Command, ctx: CliContext, set: (c: number) => void) =>
  registerRestoreDrill(program.command('backup'), ctx, set);

const drill = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runRegistered(reg, ['backup', 'restore-drill', ...args], { env });

describe('backup restore-drill flags', () => {
  it('defaults to 3 members from 127.0.0.41, away from a trainee’s lab on .11; --identity repeats', async () => {
    const r = await parsedArgs(
      reg,
      ['backup', 'restore-drill'],
      ['backup', 'restore-drill', 'latest', '--identity', 'a.txt', '--identity', 'b.txt'],
    );
    expect(r).toEqual({
      args: ['latest'],
      opts: { identity: ['a.txt', 'b.txt'], members: 3, firstAddress: '127.0.0.41' },
    });
  });
});

describe('backup restore-drill refusals', () => {
  it.each([
    ['10.0.0.1', 3],
    ['127.0.0.253', 3],
    ['127.0.0.0', 1],
    ['localhost', 1],
  ])('refuses --first-address %s for %i members, naming the flag', async (first, members) => {
    const { dir } = tempTarget();
    const r = await drill(['latest', '--target', dir, '--first-address', first, '--members', String(members)]);
    expect(r.code).toBe(2);
    expect(r.error?.code).toBe('TDR_BAD_PARAM');
    expect(r.error?.message).toMatch(new RegExp(`^--first-address "${first.replaceAll('.', '\\.')}": first address`));
  });

  it('takes the last address that leaves room: 127.0.0.252 for 3 members (up to .254)', async () => {
    const { dir } = tempTarget();
    const r = await drill(['latest', '--target', dir, '--first-address', '127.0.0.252']);
    // past the address check: the empty catalog is what stops it
    expect(r.error?.code).toBe('TDR_BACKUP_NOT_FOUND');
  });

  it('refuses without a target, naming --target', async () => {
    const r = await drill(['latest']);
    expect(r.code).toBe(2);
    expect(r.error?.code).toBe('TDR_BACKUP_TARGET_MISSING');
  });

  it('takes the target from TALOS_DR_BACKUP_TARGET', async () => {
    const { dir } = tempTarget();
    const r = await drill(['latest'], { TALOS_DR_BACKUP_TARGET: dir });
    expect(r.error?.code).toBe('TDR_BACKUP_NOT_FOUND');
  });

  it('means by latest the newest VERIFIED backup, not the newest ok one', async () => {
    const { dir, target } = tempTarget();
    const records = [
      makeRecord('2026-12-01T00:00:00.000Z', 'verified', 1),
      makeRecord('2026-12-02T00:00:00.000Z', 'unverified', 2),
      makeRecord('2026-12-03T00:00:00.000Z', 'went-bad', 3),
    ];
    // only the verified one is encrypted: refused by name, so `latest` picked it
    const locked = records.map((r, i) =>
      i === 0 && r.object ? { ...r, object: { ...r.object, recipients: ['age1abc'] } } : r,
    );
    await store(target, locked);
    const r = await drill(['latest', '--target', dir]);
    expect(r.code).toBe(2);
    expect(r.error?.code).toBe('TDR_BACKUP_IDENTITY_NEEDED');
    expect(r.error?.message).toBe(
      `backup ${records[0]?.id} is encrypted (to age1abc): give --identity <file> to read it`,
    );
  });

  it('refuses an unknown id, listing the ids it has', async () => {
    const { dir, target } = tempTarget();
    const rec = makeRecord('2026-12-01T00:00:00.000Z', 'verified', 1);
    await store(target, [rec]);
    const r = await drill(['nope', '--target', dir]);
    expect(r.error?.code).toBe('TDR_BACKUP_NOT_FOUND');
    expect(r.error?.hint).toContain(rec.id);
  });

  it('refuses latest when no backup is verified', async () => {
    const { dir, target } = tempTarget();
    await store(target, [makeRecord('2026-12-01T00:00:00.000Z', 'verify-failed', 1)]);
    const r = await drill(['latest', '--target', dir]);
    expect(r.error?.code).toBe('TDR_BACKUP_NOT_FOUND');
  });
});
