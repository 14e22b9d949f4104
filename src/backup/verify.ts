import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromTools } from '../engine/snapshot-reader.js';
import { type Opened, openBackup, storedBytesProblem } from './open.js';
import type { BackupRecord, BackupTarget, BackupVerification } from './record.js';
import { isObjectMissing } from './target-keys.js';

/**
 * One verification of a stored backup, in words for the catalog: open it (open.ts) into a private
 * temp dir, then ask etcd's own tool for the snapshot's hash, revision and key count and compare
 * them with the catalog. An encrypted backup checked without an identity (a `backup run` that
 * was given only recipients) is checked as stored bytes only, and the detail says so.
 */

export interface VerifyOptions {
  identities: readonly string[];
  signal?: AbortSignal;
  now?: () => Date;
  /** keep the snapshot (restore): called with its path before the temp dir is removed */
  use?: (path: string) => Promise<void>;
}

export async function verifyBackup(
  target: BackupTarget,
  record: BackupRecord,
  o: VerifyOptions,
): Promise<BackupVerification> {
  const at = (o.now ?? (() => new Date()))().toISOString();
  const done = (ok: boolean, detail: string): BackupVerification => ({ at, ok, detail });
  const obj = record.object;
  if (obj && obj.recipients.length > 0 && o.identities.length === 0) {
    const stored = await checkStoredBytes(target, obj);
    return stored === undefined
      ? done(true, 'stored object read back: size and sha256 match (encrypted; not decrypted: no --identity)')
      : done(false, stored);
  }
  const dir = await mkdtemp(join(tmpdir(), 'talos-dr-verify-')); // 0700: the snapshot holds Secrets
  try {
    const opened: Opened = await openBackup({
      target,
      record,
      identities: o.identities,
      outPath: join(dir, `${record.id}.db`),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    if (!opened.ok) return done(false, opened.detail);
    const st = await fromTools({ signal: o.signal ?? new AbortController().signal }, opened.path);
    if ('error' in st) return done(false, `snapshot status cannot be read: ${st.error}`);
    const want = record.snapshot;
    if (want) {
      if (st.totalKeys !== want.totalKeys)
        return done(false, `key count differs: ${st.totalKeys} keys, the catalog says ${want.totalKeys}`);
      if (st.revision !== want.revision)
        return done(false, `revision differs: ${st.revision}, the catalog says ${want.revision}`);
      if (want.etcdHash !== '' && st.hash !== want.etcdHash)
        return done(false, `etcd hash differs: ${st.hash}, the catalog says ${want.etcdHash}`);
    }
    await o.use?.(opened.path);
    return done(
      true,
      `ok: sha256 of the stored object, decryption${obj && obj.recipients.length > 0 ? '' : ' (not encrypted)'}, gzip, snapshot trailer, revision ${st.revision}, ${st.totalKeys} keys, etcd hash ${st.hash}`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Size and sha256 of the stored bytes against the catalog, or what differs. */
async function checkStoredBytes(
  target: BackupTarget,
  obj: NonNullable<BackupRecord['object']>,
): Promise<string | undefined> {
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const c of await target.get(obj.key)) {
      hash.update(c as Buffer);
      bytes += (c as Buffer).length;
    }
  } catch (e) {
    if (isObjectMissing(e)) return `object missing: ${obj.key} is not at ${target.url}`;
    return (e as Error).message;
  }
  return storedBytesProblem(bytes, hash.digest('hex'), obj)?.detail;
}
