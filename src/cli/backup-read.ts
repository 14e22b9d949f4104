import { resolve } from 'node:path';
import { readIdentityFile } from '../backup/age-keys.js';
import { type Catalog, latestOk, readCatalog, recordVerification } from '../backup/catalog.js';
import { type BackupRecord, isVerified, lastVerification } from '../backup/record.js';
import { formatBytes } from '../backup/streams.js';
import { openTarget, targetFromFlags } from '../backup/target-url.js';
import { verifyBackup } from '../backup/verify.js';
import type { CliContext } from '../io/context.js';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';

/** `backup list` and `backup verify`: they read the catalog (and the objects); the cluster is not asked. */

export interface BackupListFlags {
  target?: string;
  cluster?: string;
  json?: boolean;
}

export async function backupList(f: BackupListFlags, ctx: CliContext): Promise<number> {
  const target = await openTarget(targetFromFlags(f.target, ctx.env, ctx.cwd), ctx.env);
  const c = await readCatalog(target, f.cluster);
  if (f.json) {
    ctx.stdout.write(`${JSON.stringify({ target: target.url, backups: [...c], problems: c.problems }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const clusters = new Set(c.map((r) => r.cluster.id));
  const head = ['ID', 'TIME', 'RESULT', 'VERIFIED', 'SIZE', 'REVISION', 'KEYS', 'ENCRYPTED'];
  const rows = c.map((r) => [
    r.id,
    r.takenAt.replace(/\.\d+Z$/, 'Z'),
    r.result,
    verifiedCell(r),
    r.object ? `${formatBytes(r.snapshot?.bytes ?? 0)} → ${formatBytes(r.object.bytes)}` : '-',
    r.snapshot ? String(r.snapshot.revision) : '-',
    r.snapshot ? String(r.snapshot.totalKeys) : '-',
    r.object ? (r.object.recipients.length > 0 ? `age (${r.object.recipients.length})` : 'no') : '-',
    ...(clusters.size > 1 ? [r.cluster.id] : []),
  ]);
  const all = [[...head, ...(clusters.size > 1 ? ['CLUSTER'] : [])], ...rows];
  const widths = (all[0] ?? []).map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const r of all)
    ctx.stdout.write(
      `${r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  if (c.length === 0) ctx.stderr.write(`no backups at ${target.url}${f.cluster ? ` for cluster ${f.cluster}` : ''}\n`);
  reportProblems(c, ctx);
  return ExitCode.ok;
}

export interface BackupVerifyFlags {
  target?: string;
  cluster?: string;
  identity?: string;
  all?: boolean;
}

export async function backupVerify(which: string | undefined, f: BackupVerifyFlags, ctx: CliContext): Promise<number> {
  if (f.all && which !== undefined)
    throw makeError('TDR_USAGE', { detail: `backup verify: give <id>, latest, or --all, not both ${which} and --all` });
  const identities = f.identity === undefined ? [] : await readIdentityFile(resolve(ctx.cwd, f.identity));
  const target = await openTarget(targetFromFlags(f.target, ctx.env, ctx.cwd), ctx.env);
  const c = await readCatalog(target, f.cluster);
  reportProblems(c, ctx);
  const chosen = chooseBackups(c, which ?? 'latest', f.all === true, target.url);
  const locked = chosen.find((r) => (r.object?.recipients.length ?? 0) > 0 && identities.length === 0);
  if (locked)
    throw makeError('TDR_BACKUP_IDENTITY_NEEDED', {
      id: locked.id,
      recipients: [...(locked.object?.recipients ?? [])],
    });
  let bad = 0;
  for (const r of chosen) {
    if (r.result !== 'ok') {
      ctx.stdout.write(
        `backup ${r.id} is a failed run (${r.failure ?? 'no reason recorded'}): nothing stored to verify\n`,
      );
      if (!f.all) bad++;
      continue;
    }
    const v = await verifyBackup(target, r, { identities, signal: ctx.signal });
    await recordVerification(target, r, v);
    if (!v.ok) bad++;
    ctx.stdout.write(`backup ${r.id} ${v.ok ? 'verified' : 'FAILED verify'}: ${v.detail}\n`);
  }
  return bad > 0 ? ExitCode.failed : ExitCode.ok;
}

/**
 * `<id>`, `latest` (by default the newest ok backup of the one cluster; `pickLatest` chooses
 * otherwise), or every backup with --all.
 */
export function chooseBackups(
  c: Catalog,
  which: string,
  all: boolean,
  url: string,
  pickLatest: (records: readonly BackupRecord[]) => BackupRecord | undefined = latestOk,
): BackupRecord[] {
  if (all) return [...c];
  if (which === 'latest') {
    const clusters = [...new Set(c.map((r) => r.cluster.id))];
    if (clusters.length > 1) throw makeError('TDR_BACKUP_CLUSTER_AMBIGUOUS', { url, clusters });
    const r = pickLatest(c);
    if (!r) throw makeError('TDR_BACKUP_NOT_FOUND', { id: 'latest', url, known: c.map((x) => x.id) });
    return [r];
  }
  const found = c.filter((r) => r.id === which);
  if (found.length === 0) throw makeError('TDR_BACKUP_NOT_FOUND', { id: which, url, known: c.map((x) => x.id) });
  if (found.length > 1)
    throw makeError('TDR_BACKUP_CLUSTER_AMBIGUOUS', { url, clusters: found.map((r) => r.cluster.id) });
  return found;
}

function verifiedCell(r: BackupRecord): string {
  const v = lastVerification(r);
  if (!v) return '-';
  return `${isVerified(r) ? 'yes' : 'FAILED'} ${v.at.slice(0, 10)}`;
}

export function reportProblems(c: Catalog, ctx: CliContext): void {
  for (const p of c.problems) ctx.stderr.write(`warning: unreadable catalog entry ${p.key}: ${p.reason}\n`);
}
