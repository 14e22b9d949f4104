import type { Command } from 'commander';
import type { KeepFlags } from '../../backup/keep-policy.js';
import type { CliContext } from '../../io/context.js';

/**
 * `talos-dr backup prune` and `backup status`: retention and freshness over a target's catalog.
 * They read and remove only through the catalog; neither talks to the cluster, so neither takes
 * the connection flags of `backup run`. Added to the `backup` command group that backup.ts makes.
 */

export interface TargetFlags {
  target?: string;
  cluster?: string;
}

export interface PruneFlags extends TargetFlags, KeepFlags {
  dryRun?: boolean;
  json?: boolean;
}

export interface StatusFlags extends TargetFlags {
  maxAge?: string;
  format: string;
  json?: boolean;
  out?: string;
}

const TARGET_HELP = 'where the backups are: a directory or s3://bucket/prefix (default $TALOS_DR_BACKUP_TARGET)';

/** Adds prune and status to an existing `backup` command. */
export function registerBackupMaintenance(backup: Command, ctx: CliContext, setResult: (code: number) => void): void {
  const prune = backup
    .command('prune')
    .description(
      "remove backups the retention policy does not keep (restic's forget, counting verified backups only); never the newest verified one, nothing when the newest run failed",
    )
    .option('--keep <policy>', 'last=N,hourly=N,daily=N,weekly=N,monthly=N,yearly=N (any of them; N or unlimited)')
    .option('--dry-run', 'show every backup, keep or remove, and why; remove nothing')
    .option('--target <dir|s3://bucket/prefix>', TARGET_HELP)
    .option('--cluster <id>', 'only this cluster (default: every cluster in the catalog, each on its own)')
    .option('--json', 'print the decisions as JSON');
  for (const rule of ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'])
    prune.option(`--keep-${rule} <n>`, `restic-style: the same as --keep ${rule}=<n>`);
  prune.action(async (flags: PruneFlags) => {
    const { backupPrune } = await import('../backup-maintenance-command.js');
    setResult(await backupPrune(flags, ctx));
  });

  backup
    .command('status')
    .description(
      'the age and result of the newest verified backup of each cluster, the newest run and the last verify; exit 1 when a cluster has no verified backup or it is older than --max-age',
    )
    .option('--max-age <duration>', 'fail (exit 1) when the newest verified backup is older: e.g. 26h, 1d12h, 90m')
    .option('--format <format>', 'text, json or prometheus (the text exposition format, for node_exporter)', 'text')
    .option('--json', 'the same as --format json')
    .option('--out <file>', 'write to this file atomically (temp + rename): a *.prom in the textfile collector dir')
    .option('--target <dir|s3://bucket/prefix>', TARGET_HELP)
    .option('--cluster <id>', 'only this cluster (default: every cluster in the catalog)')
    .action(async (flags: StatusFlags) => {
      const { backupStatusCommand } = await import('../backup-maintenance-command.js');
      setResult(await backupStatusCommand(flags, ctx));
    });
}
