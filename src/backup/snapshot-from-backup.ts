import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { makeError } from '../io/errors.js';
import { latestVerified, readCatalog } from './catalog.js';
import { openBackup } from './open.js';
import { type BackupRecord, type BackupTarget, isVerified } from './record.js';

/**
 * A restore's snapshot taken from a backup (`--param snapshot=backup:latest`): the catalog
 * entry is chosen, the stored object fetched, its sha256 checked, decrypted, decompressed and its
 * etcd trailer checked into a file of its own — all before the run starts, so before any wipe.
 * `latest` is the newest backup whose last verification passed: an unverified one is never
 * restored by default. The file is kept beside the run's log (a resume needs it; an auditor may).
 */

const SPEC = /^backup:([A-Za-z0-9T._-]+)(?:@(.+))?$/;

export function isBackupRef(value: string): boolean {
  return value.startsWith('backup:');
}

export interface FetchedSnapshot {
  path: string;
  record: BackupRecord;
  /** one line for the operator, the log and the gate */
  note: string;
}

export async function snapshotFromBackup(o: {
  value: string;
  param: string;
  target: BackupTarget;
  identities: readonly string[];
  outPath: string;
  signal?: AbortSignal;
}): Promise<FetchedSnapshot> {
  const flag = `--param ${o.param}`;
  const m = SPEC.exec(o.value);
  if (!m?.[1])
    throw makeError('TDR_BAD_PARAM', {
      flag,
      value: o.value,
      reason: 'a backup reference is backup:latest or backup:<id>, optionally @<cluster id>',
    });
  const [which, cluster] = [m[1], m[2]];
  const catalog = await readCatalog(o.target, cluster);
  const clusters = [...new Set(catalog.map((r) => r.cluster.id))];
  if (clusters.length > 1)
    throw makeError('TDR_BAD_PARAM', {
      flag,
      value: o.value,
      reason: `${o.target.url} holds backups of ${clusters.length} clusters (${clusters.join(', ')}): say which with ${o.value}@<cluster id>`,
    });
  const record = which === 'latest' ? latestVerified(catalog) : catalog.find((r) => r.id === which);
  if (!record)
    throw makeError('TDR_BAD_PARAM', {
      flag,
      value: o.value,
      reason:
        which === 'latest'
          ? `no verified backup at ${o.target.url}${cluster ? ` for cluster ${cluster}` : ''} (run backup verify, or name a backup id)`
          : `no backup ${which} at ${o.target.url}`,
    });
  if (existsSync(o.outPath))
    throw makeError('TDR_BAD_PARAM', { flag, value: o.value, reason: `${o.outPath} exists: it is never overwritten` });
  const opened = await openBackup({
    target: o.target,
    record,
    identities: o.identities,
    outPath: o.outPath,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (!opened.ok)
    throw makeError('TDR_BAD_PARAM', {
      flag,
      value: o.value,
      reason: `backup ${record.id} cannot be restored (${opened.problem}): ${opened.detail}`,
    });
  const s = record.snapshot;
  const verified = isVerified(record) ? 'verified' : 'NOT verified';
  const note = `backup ${record.id} of cluster ${record.cluster.name || record.cluster.id}, taken ${record.takenAt} from ${record.source?.node ?? '?'}: revision ${s?.revision ?? '?'}, ${s?.totalKeys ?? '?'} keys, etcd hash ${s?.etcdHash ?? '?'} (${verified}); fetched and checked${(record.object?.recipients.length ?? 0) > 0 ? ', decrypted' : ''} to ${o.outPath}`;
  return { path: o.outPath, record, note };
}

export interface BackupParamOptions {
  /** --backup-target (else TALOS_DR_BACKUP_TARGET) */
  backupTarget?: string;
  /** --identity: an age identity file */
  identity?: string;
  dryRun: boolean;
  /** --log: the fetched file goes beside it */
  log?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal?: AbortSignal;
}

/**
 * Every path param given as backup:<id|latest> (restore-from-snapshot's `snapshot`), fetched from
 * the backup target, checked and decrypted into a file beside the run's log before the run starts.
 * A dry run fetches it too (a read of the backup target) into a temp dir. Returns the params with
 * file paths and, per param, the words the log and the gates show.
 */
export async function paramsFromBackups<V>(
  runbook: { params: Readonly<Record<string, { type: string }>> },
  params: Record<string, V>,
  o: BackupParamOptions,
): Promise<{ params: Record<string, V | string>; sources: Record<string, string> }> {
  const names = Object.keys(params).filter((n) => {
    const v = params[n];
    return runbook.params[n]?.type === 'path' && typeof v === 'string' && isBackupRef(v);
  });
  if (names.length === 0) return { params, sources: {} };
  const { targetFromFlags, openTarget } = await import('./target-url.js');
  const { readIdentityFile } = await import('./age-keys.js');
  const target = await openTarget(targetFromFlags(o.backupTarget, o.env, o.cwd), o.env);
  const identities = o.identity === undefined ? [] : await readIdentityFile(resolve(o.cwd, o.identity));
  const dir = o.dryRun
    ? mkdtempSync(join(tmpdir(), 'talos-dr-backup-snapshot-'))
    : o.log !== undefined
      ? dirname(resolve(o.cwd, o.log))
      : resolve(o.cwd, o.env.TALOS_DR_LOG_DIR ?? 'talos-dr-logs');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const out: Record<string, V | string> = { ...params };
  const sources: Record<string, string> = {};
  for (const name of names) {
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
    const got = await snapshotFromBackup({
      value: String(params[name]),
      param: name,
      target,
      identities,
      outPath: join(dir, `${name}-from-backup-${stamp}.snapshot`),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    out[name] = got.path;
    sources[name] = got.note;
  }
  return { params: out, sources };
}
