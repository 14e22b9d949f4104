import type { Command } from 'commander';
import type { BackupRunFlags } from '../../backup/run.js';
import type { CliContext } from '../../io/context.js';
import type { BackupListFlags, BackupVerifyFlags } from '../backup-read.js';
import { registerBackupMaintenance } from './backup-maintenance.js';
import { registerRestoreDrill } from './backup-restore-drill.js';
import type { Register } from './index.js';

/**
 * `talos-dr backup run|list|verify` (issue 17): snapshots through the backup-snapshot runbook,
 * stored compressed (and encrypted) in a directory or an S3 bucket, with a catalog that list,
 * verify, retention and restore read. Flags and help are registered here (cheap); the
 * implementation, and the AWS SDK with it, load only when a subcommand runs.
 */

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const TARGET = ['--target <dir|s3://bucket/prefix>', 'where backups are stored (or TALOS_DR_BACKUP_TARGET)'] as const;
const CLUSTER = [
  '--cluster <id>',
  'only the backups of this cluster id (the catalog folder is the Talos cluster id)',
] as const;

export const register: Register = (program, ctx, setResult) => {
  const backup = program
    .command('backup')
    .description(
      'scheduled, off-cluster, encrypted etcd backups with a catalog: run, list, verify, prune, status, restore-drill (see docs/backups.md)',
    );
  registerBackupCore(backup, ctx, setResult);
  registerRestoreDrill(backup, ctx, setResult);
  registerBackupMaintenance(backup, ctx, setResult);
};

/** run, list and verify under `backup` (exported so the maintenance subcommands attach beside them). */
export function registerBackupCore(backup: Command, ctx: CliContext, setResult: (code: number) => void): void {
  backup
    .command('run')
    .description(
      'take a snapshot with the backup-snapshot runbook (its checks and log), verify it, gzip it, optionally encrypt it with age, store it at the target, read it back once, and write its catalog entry; prints one summary line',
    )
    .option(
      '--param <name=value>',
      'a backup-snapshot parameter: nodes=<a,b,c> (required), node=<one of them>',
      collect,
      [],
    )
    .option(...TARGET)
    .option(
      '--encrypt-to <age1…>',
      'encrypt to this age X25519 recipient (repeatable; age-keygen -y key.txt)',
      collect,
      [],
    )
    .option(
      '--identity <file>',
      'an age identity file: the read-back also decrypts and checks the snapshot inside (otherwise an encrypted object is checked as stored bytes)',
    )
    .option('--keep <policy>', 'then apply retention (as `backup prune` does) with this policy')
    .option(
      '--cluster <id>',
      'file the backup under this cluster id (default: the id Talos reports; needed when it reports none)',
    )
    .option('--operator <name>', 'who is running this (default user@host)')
    .option('--talosctl <path>', 'the talosctl binary (default $TALOSCTL, then talosctl on PATH)')
    .option('--talosconfig <file>', 'talosconfig to use')
    .option('--context <name>', 'talosconfig context')
    .option('--endpoints <list>', 'comma-separated endpoints')
    .action(async (opts: BackupRunFlags) => {
      const { backupRun } = await import('../../backup/run.js');
      setResult(await backupRun(opts, ctx));
    });

  backup
    .command('list')
    .description('the catalog: id, time, result, verified, size, revision, keys, encrypted')
    .option(...TARGET)
    .option(...CLUSTER)
    .option('--json', 'the catalog entries as JSON (and the entries that could not be read)')
    .action(async (opts: BackupListFlags) => {
      const { backupList } = await import('../backup-read.js');
      setResult(await backupList(opts, ctx));
    });

  backup
    .command('verify')
    .description(
      'read a backup back: size and sha256 of the stored object, decrypt, gunzip, the snapshot trailer, then revision and key count (etcdctl snapshot status) against the catalog; records the result; exit 1 naming what is wrong',
    )
    .argument('[id]', 'a backup id, or latest (the default)')
    .option('--all', 'verify every backup in the catalog')
    .option('--identity <file>', 'age identity file (AGE-SECRET-KEY-1…) to decrypt encrypted backups')
    .option(...TARGET)
    .option(...CLUSTER)
    .action(async (id: string | undefined, opts: BackupVerifyFlags) => {
      const { backupVerify } = await import('../backup-read.js');
      setResult(await backupVerify(id, opts, ctx));
    });
}
