import type { Command } from 'commander';
import type { CliContext } from '../../io/context.js';
import { membersOption } from './drill.js';

/**
 * `talos-dr backup restore-drill <id|latest>`: restore a backup into a fresh local lab and check
 * it against the catalog (src/backup/restore-drill.ts). `latest` is the newest VERIFIED backup.
 * Exit 0 restored and every check passed, 1 a check failed, 4 refused before any lab (the backup
 * cannot be read or is not what the catalog says; nothing touched), 2 usage.
 */

const collect = (v: string, prev: string[]): string[] => [...prev, v];

interface RestoreDrillFlags {
  target?: string;
  cluster?: string;
  identity: string[];
  members: number;
  firstAddress: string;
  json?: boolean;
  keepLab?: boolean;
}

export function registerRestoreDrill(backup: Command, ctx: CliContext, setResult: (code: number) => void): void {
  backup
    .command('restore-drill')
    .description(
      'restore a backup into a fresh local lab of real etcd members, as `talosctl bootstrap --recover-from` would, and check revision, key count and content against the catalog; the cluster is not touched',
    )
    .argument('<id>', 'a backup id, or latest (the newest verified backup)')
    .option('--target <dir|s3://bucket/prefix>', 'where backups are stored (or TALOS_DR_BACKUP_TARGET)')
    .option('--cluster <id>', 'only the backups of this cluster id')
    .option('--identity <file>', 'age identity file to decrypt the backup (repeatable)', collect, [])
    .option(...membersOption())
    .option(
      '--first-address <ip>',
      "the lab's first loopback address (its own range, away from a trainee's lab)",
      '127.0.0.41',
    )
    .option('--json', 'print the report as JSON')
    .option('--keep-lab', 'leave the restored lab running (talos-dr lab down --dir <dir> stops it)')
    .action(async (which: string, f: RestoreDrillFlags) => {
      setResult(await backupRestoreDrill(which, f, ctx));
    });
}

async function backupRestoreDrill(which: string, f: RestoreDrillFlags, ctx: CliContext): Promise<number> {
  const { resolve } = await import('node:path');
  const { readIdentityFile } = await import('../../backup/age-keys.js');
  const { latestVerified, readCatalog } = await import('../../backup/catalog.js');
  const { openTarget, targetFromFlags } = await import('../../backup/target-url.js');
  const { chooseBackups, reportProblems } = await import('../backup-read.js');
  const { makeError } = await import('../../io/errors.js');
  const { addressesBusy } = await import('../../backup/restore-drill-lab.js');
  const { nodeSpecs } = await import('../../lab/cluster.js');
  const { runRestoreDrill } = await import('../../backup/restore-drill.js');
  const { restoreDrillText } = await import('../../backup/restore-drill-report.js');
  let ips: string[];
  try {
    ips = nodeSpecs(f.members, f.firstAddress).map((n) => n.ip);
  } catch (e) {
    throw makeError('TDR_BAD_PARAM', { flag: '--first-address', value: f.firstAddress, reason: (e as Error).message });
  }
  const identities: string[] = [];
  for (const file of f.identity) identities.push(...(await readIdentityFile(resolve(ctx.cwd, file))));
  const target = await openTarget(targetFromFlags(f.target, ctx.env, ctx.cwd), ctx.env);
  const c = await readCatalog(target, f.cluster);
  reportProblems(c, ctx);
  const [record] = chooseBackups(c, which, false, target.url, latestVerified);
  if (!record) throw makeError('TDR_BACKUP_NOT_FOUND', { id: which, url: target.url, known: c.map((x) => x.id) });
  if ((record.object?.recipients.length ?? 0) > 0 && identities.length === 0)
    throw makeError('TDR_BACKUP_IDENTITY_NEEDED', {
      id: record.id,
      recipients: [...(record.object?.recipients ?? [])],
    });
  const busy = await addressesBusy(ips);
  if (busy.length > 0) throw makeError('TDR_RESTORE_DRILL_ADDRESS_BUSY', { busy, first: f.firstAddress });
  const report = await runRestoreDrill({
    target,
    record,
    identities,
    members: f.members,
    firstAddress: f.firstAddress,
    keepLab: f.keepLab === true,
    signal: ctx.signal,
    say: (line) => void ctx.stderr.write(`${line}\n`),
  });
  ctx.stdout.write(f.json ? `${JSON.stringify(report, null, 2)}\n` : restoreDrillText(report));
  return report.exitCode;
}
