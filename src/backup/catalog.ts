import { Readable } from 'node:stream';
import { type BackupRecord, type BackupTarget, type BackupVerification, isVerified } from './record.js';
import { parseRecord } from './record-schema.js';
import { isObjectMissing } from './target-keys.js';

/**
 * The catalog of a target: one JSON entry per backup run, beside its object and its run's log:
 *
 *   <cluster>/<id>.json          the entry (a BackupRecord), written LAST: its presence commits
 *   <cluster>/<id>.db.gz[.age]   the object (gzip, then age when encrypted)
 *   <cluster>/<id>.log.jsonl     the backup-snapshot run's execution log
 *
 * <cluster> is the Talos cluster id made path-safe (a real id is base64 and may hold `/`, `+`,
 * `=`); <id> is `<UTC yyyymmddThhmmssZ>-<first 12 hex of the snapshot's sha256>`, so the same
 * snapshot always gets the same names and ids sort by time. Nothing else is read or guessed: an
 * object without an entry is an interrupted run's leftover, and an entry that cannot be read is
 * reported (`problems`), never silently skipped, so retention cannot mistake it for absent.
 */

/** One entry that could not be read, and why. */
export interface CatalogProblem {
  readonly key: string;
  readonly reason: string;
}

/** The records, sorted by id (then cluster), with the entries that could not be read. */
export type Catalog = BackupRecord[] & { readonly problems: readonly CatalogProblem[] };

/** `%XX` for every byte outside [A-Za-z0-9._-], so any cluster id is one path segment, reversibly. */
export function clusterDir(clusterId: string): string {
  const enc = [...Buffer.from(clusterId, 'utf8')]
    .map((b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${hex2(b)}`))
    .join('');
  return enc === '.' || enc === '..' ? enc.replaceAll('.', '%2E') : enc;
}

export function clusterIdOfDir(dir: string): string {
  return decodeURIComponent(dir);
}

const hex2 = (b: number): string => b.toString(16).toUpperCase().padStart(2, '0');

/** `20261206T020000Z-0123456789ab`: the snapshot's time (UTC, to the second) and its sha256. */
export function makeBackupId(takenAt: Date, snapshotSha256: string): string {
  const t = takenAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${t}-${snapshotSha256.slice(0, 12).toLowerCase()}`;
}

export const entryKey = (clusterId: string, id: string): string => `${clusterDir(clusterId)}/${id}.json`;
export const objectKey = (clusterId: string, id: string, encrypted: boolean): string =>
  `${clusterDir(clusterId)}/${id}.db.gz${encrypted ? '.age' : ''}`;
export const logKey = (clusterId: string, id: string): string => `${clusterDir(clusterId)}/${id}.log.jsonl`;

const ENTRY = /^([^/]+)\/([^/]+)\.json$/;

/** Every readable entry under the target (or one cluster), and every unreadable one named. */
export async function readCatalog(target: BackupTarget, clusterId?: string): Promise<Catalog> {
  const keys = await target.list(clusterId === undefined ? '' : `${clusterDir(clusterId)}/`);
  const records: BackupRecord[] = [];
  const problems: CatalogProblem[] = [];
  for (const key of keys) {
    const m = ENTRY.exec(key);
    if (m === null) continue;
    const r = await readEntry(target, key);
    if (!r.ok) {
      problems.push({ key, reason: r.reason });
      continue;
    }
    // an entry copied into another cluster's folder, or renamed, does not describe what is there
    if (clusterDir(r.record.cluster.id) !== m[1] || r.record.id !== m[2]) {
      problems.push({ key, reason: `its content names ${entryKey(r.record.cluster.id, r.record.id)}` });
      continue;
    }
    records.push(r.record);
  }
  records.sort((a, b) => cmp(a.id, b.id) || cmp(a.cluster.id, b.cluster.id));
  return Object.assign(records, { problems });
}

/** One entry, or undefined when there is none (a run of that snapshot never committed). */
export async function readRecord(
  target: BackupTarget,
  clusterId: string,
  id: string,
): Promise<{ ok: true; record: BackupRecord } | { ok: false; reason: string } | undefined> {
  const r = await readEntry(target, entryKey(clusterId, id));
  return r.ok === false && r.reason === MISSING ? undefined : r;
}

/** Writes (or replaces) a record's entry, whole: the commit point of a backup. */
export async function writeRecord(target: BackupTarget, record: BackupRecord): Promise<void> {
  const text = `${JSON.stringify(record, null, 2)}\n`;
  await target.put(entryKey(record.cluster.id, record.id), Readable.from([Buffer.from(text, 'utf8')]));
}

/**
 * Appends one verification to a record and rewrites its entry; returns the new record. Two
 * verifies of one backup at the same moment may keep only one of the two results: both are
 * re-runnable, and each entry written is whole.
 */
export async function recordVerification(
  target: BackupTarget,
  record: BackupRecord,
  v: BackupVerification,
): Promise<BackupRecord> {
  const next: BackupRecord = { ...record, verifications: [...record.verifications, v] };
  await writeRecord(target, next);
  return next;
}

/** Removes a backup: its object, its log, then its entry LAST, so a crash never leaves an entry without its object. */
export async function removeBackup(target: BackupTarget, record: BackupRecord): Promise<void> {
  if (record.object) await target.delete(record.object.key);
  if (record.log) await target.delete(record.log);
  await target.delete(entryKey(record.cluster.id, record.id));
}

/** The newest ok backup (what `latest` means for verify and restore). */
export function latestOk(records: readonly BackupRecord[]): BackupRecord | undefined {
  return records.filter((r) => r.result === 'ok').at(-1);
}

/**
 * The newest verified backup (result ok AND its newest verification passed): what `latest` means
 * for a restore drill, which must not pick a backup whose last verify found it bad.
 */
export function latestVerified(records: readonly BackupRecord[]): BackupRecord | undefined {
  return records.filter(isVerified).at(-1);
}

const MISSING = 'no such entry';

async function readEntry(
  target: BackupTarget,
  key: string,
): Promise<{ ok: true; record: BackupRecord } | { ok: false; reason: string }> {
  let text: string;
  try {
    const chunks: Buffer[] = [];
    for await (const c of await target.get(key)) chunks.push(c as Buffer);
    text = Buffer.concat(chunks).toString('utf8');
  } catch (e) {
    if (isObjectMissing(e)) return { ok: false, reason: MISSING };
    return { ok: false, reason: `cannot be read: ${e instanceof Error ? e.message : String(e)}` };
  }
  return parseRecord(text);
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
