import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { isTalosDrError, makeError } from '../io/errors.js';
import { makeBackupId, objectKey, readRecord } from './catalog.js';
import { type BackupRecord, type BackupTarget, isVerified } from './record.js';
import { Measure, TRAILER_BYTES, TrailerCheck, TrailerError } from './streams.js';

/**
 * snapshot file → etcd's own checks → gzip → age (optional) → the target, in one streamed pass:
 * nothing holds more than a few MiB whatever the snapshot's size (peak RSS is measured by
 * `npm run bench`). The sha256 and size of the stored bytes are computed on the way out, so the
 * catalog entry can name exactly what was stored.
 *
 * age runs in-process through the `age-encryption` library (its ReadableStream API): measured
 * at ~130 MB/s on its own, it is faster than gzip on the same stream (tens of MB/s), so a
 * child `age` process would buy nothing but a spawn; the output is plain age v1, which
 * `age -d -i key.txt` reads (test/backup/age-cli.test.ts).
 */

/** What the file says about itself before anything is streamed: its size, trailer and time. */
export interface SnapshotHead {
  readonly path: string;
  readonly bytes: number;
  /** the last 32 bytes, hex: etcd's sha256 of the content before them (checked while streaming) */
  readonly sha256: string;
  /** the file's modification time: when the snapshot was written (the same file, the same id) */
  readonly takenAt: Date;
  /** `<UTC yyyymmddThhmmssZ>-<first 12 hex of sha256>` */
  readonly id: string;
}

/** Reads size, trailer and time; refuses a file whose size cannot be a complete snapshot. */
export async function readSnapshotHead(path: string): Promise<SnapshotHead> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw makeError('TDR_BACKUP_SNAPSHOT_BAD', { path, reason: `cannot open it (${(e as Error).message})` });
  }
  try {
    const st = await fh.stat();
    if (st.size % 512 !== TRAILER_BYTES || st.size < 512 + TRAILER_BYTES)
      throw makeError('TDR_BACKUP_SNAPSHOT_BAD', {
        path,
        reason: `incomplete: ${st.size} bytes, size % 512 = ${st.size % 512} (a complete snapshot gives 32)`,
      });
    const tail = Buffer.alloc(TRAILER_BYTES);
    await fh.read(tail, 0, TRAILER_BYTES, st.size - TRAILER_BYTES);
    const sha256 = tail.toString('hex');
    const takenAt = new Date(Math.floor(st.mtimeMs / 1000) * 1000);
    return { path, bytes: st.size, sha256, takenAt, id: makeBackupId(takenAt, sha256) };
  } finally {
    await fh.close();
  }
}

export interface StoreOptions {
  target: BackupTarget;
  clusterId: string;
  /** age X25519 recipients (checked by age-keys.ts); empty: not encrypted */
  recipients: readonly string[];
  signal?: AbortSignal;
  /** zlib level, default 6 (gzip's own default) */
  gzipLevel?: number;
}

export type StoredObject = NonNullable<BackupRecord['object']>;

/**
 * Streams the snapshot to `<cluster>/<id>.db.gz[.age]` and returns what was stored. A snapshot
 * whose trailer does not match (or that changed since its head was read) fails the stream, so the
 * target never commits the object (temp file discarded, multipart upload aborted).
 */
export async function storeSnapshot(head: SnapshotHead, o: StoreOptions): Promise<StoredObject> {
  const key = objectKey(o.clusterId, head.id, o.recipients.length > 0);
  const check = new TrailerCheck();
  const measure = new Measure();
  const stages: NodeJS.ReadWriteStream[] = [check, createGzip({ level: o.gzipLevel ?? 6, chunkSize: 64 * 1024 })];
  const source = createReadStream(head.path, { highWaterMark: 1 << 20 });
  const streams: NodeJS.ReadWriteStream[] = [
    ...stages,
    ...(o.recipients.length > 0 ? [Duplex.from(ageEncrypt(o.recipients))] : []),
    measure,
  ];
  const flow = pipeline([source, ...streams], o.signal ? { signal: o.signal } : {});
  const [read, stored] = await Promise.allSettled([flow, o.target.put(key, measure)]);
  if (read.status === 'rejected') throw snapshotError(head.path, read.reason);
  if (stored.status === 'rejected') throw stored.reason;
  if (check.trailer !== head.sha256 || check.bytes !== head.bytes)
    // the object is stored but describes another file than the head: the caller writes no entry
    throw makeError('TDR_BACKUP_SNAPSHOT_BAD', { path: head.path, reason: 'it changed while it was being stored' });
  return {
    key,
    bytes: measure.bytes,
    sha256: measure.sha256(),
    compression: 'gzip',
    recipients: [...o.recipients],
  };
}

/** age encryption as a pipeline stage: Node chunks in, the library's stream out. */
function ageEncrypt(recipients: readonly string[]) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const { Encrypter } = await import('age-encryption');
    const e = new Encrypter();
    for (const r of recipients) e.addRecipient(r);
    const out = await e.encrypt(ReadableStream.from(source) as ReadableStream<Uint8Array>);
    for await (const c of out as unknown as AsyncIterable<Uint8Array>)
      yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
  };
}

function snapshotError(path: string, e: unknown) {
  if (isTalosDrError(e)) return e;
  if (e instanceof TrailerError) return makeError('TDR_BACKUP_SNAPSHOT_BAD', { path, reason: e.message });
  if ((e as Error)?.name === 'AbortError') return e;
  return makeError('TDR_BACKUP_SNAPSHOT_BAD', { path, reason: `cannot read it (${(e as Error)?.message ?? e})` });
}

/**
 * storeSnapshot, unless this very snapshot is already committed and verified under its id: then
 * the stored object is left as it is (a retried cron job must not replace a verified object with
 * a new, not yet verified, encryption of the same bytes) and its record is returned.
 */
export async function storeOnce(
  head: SnapshotHead,
  o: StoreOptions,
): Promise<{ stored: StoredObject } | { already: BackupRecord }> {
  const existing = await readRecord(o.target, o.clusterId, head.id);
  if (existing?.ok && isVerified(existing.record)) return { already: existing.record };
  return { stored: await storeSnapshot(head, o) };
}
