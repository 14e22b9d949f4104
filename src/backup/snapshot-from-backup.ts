import { existsSync } from 'node:fs';
import { makeError } from '../io/errors.js';
import { readCatalog } from './catalog.js';
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
  const record = which === 'latest' ? catalog.filter(isVerified).at(-1) : catalog.find((r) => r.id === which);
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
  const note = `backup ${record.id} of cluster ${record.cluster.name || record.cluster.id}, taken ${record.takenAt} from ${record.source?.node ?? '?'}: revision ${s?.revision ?? '?'}, ${s?.totalKeys ?? '?'} keys, etcd hash ${s?.etcdHash ?? '?'} (${verified}); fetched, checked and decrypted to ${o.outPath}`;
  return { path: o.outPath, record, note };
}
