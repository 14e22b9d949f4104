import { createHash } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { Duplex, PassThrough, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { BackupRecord, BackupTarget } from './record.js';
import { TrailerCheck, TrailerError } from './streams.js';
import { isObjectMissing } from './target-keys.js';

/**
 * A stored backup back to a snapshot file, for verify and restore: get → sha256 and size of the
 * stored bytes against the catalog → age decrypt → gunzip → etcd's trailer check → a private
 * file (0600). One streamed pass. What is wrong is named, most basic cause first: a truncated
 * object also fails to decrypt and to gunzip, but "truncated" is what the operator must hear,
 * so the stored bytes are always read to the end (hashed even after a later stage failed) before
 * a stage's own failure is reported.
 */

export type OpenProblem =
  | 'no-object'
  | 'object-missing'
  | 'truncated'
  | 'sha256-differs'
  | 'cannot-decrypt'
  | 'not-gzip'
  | 'trailer-bad'
  | 'snapshot-differs'
  | 'target';

export type Opened =
  | { ok: true; path: string; bytes: number; sha256: string }
  | { ok: false; problem: OpenProblem; detail: string };

export interface OpenOptions {
  target: BackupTarget;
  record: BackupRecord;
  /** AGE-SECRET-KEY-1… (age-keys.ts); needed when the object is encrypted */
  identities: readonly string[];
  /** where the snapshot goes; created new (never overwrites), mode 0600 */
  outPath: string;
  signal?: AbortSignal;
}

/**
 * Reads the object and names what is wrong, or leaves the snapshot at outPath. A refused backup
 * leaves nothing there: half a snapshot must never be mistaken for one.
 */
export async function openBackup(o: OpenOptions): Promise<Opened> {
  const created = { file: false };
  const r = await openInto(o, created);
  if (!r.ok && created.file) await rm(o.outPath, { force: true });
  return r;
}

async function openInto(o: OpenOptions, created: { file: boolean }): Promise<Opened> {
  const obj = o.record.object;
  if (!obj) return fail('no-object', `backup ${o.record.id} stored no object (its run ${o.record.result})`);
  let src: Readable;
  try {
    src = await o.target.get(obj.key);
  } catch (e) {
    if (isObjectMissing(e)) return fail('object-missing', `object missing: ${obj.key} is not at ${o.target.url}`);
    return fail('target', (e as Error).message);
  }
  const encrypted = obj.recipients.length > 0;
  const feed = new PassThrough({ highWaterMark: 1 << 20 });
  const check = new TrailerCheck();
  const out = await open(o.outPath, 'wx', 0o600);
  created.file = true;
  let stageError: unknown;
  const flow = pipeline(
    [
      feed,
      ...(encrypted ? [Duplex.from(ageDecrypt(o.identities))] : []),
      createGunzip({ chunkSize: 64 * 1024 }),
      check,
      out.createWriteStream() as Writable,
    ],
    o.signal ? { signal: o.signal } : {},
  ).catch((e: unknown) => {
    stageError = e;
  });
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    for await (const chunk of src) {
      const c = chunk as Buffer;
      hash.update(c);
      bytes += c.length;
      if (stageError === undefined && !feed.destroyed && !feed.write(c)) await drained(feed);
    }
  } catch (e) {
    feed.destroy();
    await flow;
    return fail('target', `reading ${obj.key} from ${o.target.url} failed: ${(e as Error).message}`);
  }
  feed.end();
  await flow;
  const stored = storedBytesProblem(bytes, hash.digest('hex'), obj);
  if (stored) return fail(stored.problem, stored.detail);
  if (stageError !== undefined) return stageFailure(stageError);
  const snap = o.record.snapshot;
  if (snap && (check.trailer !== snap.sha256 || check.bytes !== snap.bytes))
    return fail(
      'snapshot-differs',
      `the snapshot inside is not the one catalogued: ${check.bytes} bytes, sha256 ${check.trailer?.slice(0, 12)}…; the catalog says ${snap.bytes} bytes, ${snap.sha256.slice(0, 12)}…`,
    );
  return { ok: true, path: o.outPath, bytes: check.bytes, sha256: check.trailer ?? '' };
}

/** Size, then sha256, of the stored bytes against the catalog: what differs, in words. */
export function storedBytesProblem(
  bytes: number,
  sha256: string,
  obj: { bytes: number; sha256: string },
): { problem: 'truncated' | 'sha256-differs'; detail: string } | undefined {
  if (bytes !== obj.bytes)
    return {
      problem: 'truncated',
      detail: `${bytes < obj.bytes ? 'truncated' : 'size differs'}: the stored object is ${bytes} bytes, the catalog says ${obj.bytes}`,
    };
  if (sha256 !== obj.sha256)
    return {
      problem: 'sha256-differs',
      detail: `sha256 of the stored object differs: ${sha256.slice(0, 16)}…, the catalog says ${obj.sha256.slice(0, 16)}…`,
    };
  return undefined;
}

const fail = (problem: OpenProblem, detail: string): Opened => ({ ok: false, problem, detail });

class StageError extends Error {
  readonly problem: OpenProblem;
  constructor(problem: OpenProblem, message: string) {
    super(message);
    this.problem = problem;
  }
}

function stageFailure(e: unknown): Opened {
  if (e instanceof StageError) return fail(e.problem, e.message);
  if (e instanceof TrailerError) return fail('trailer-bad', `snapshot trailer bad: ${e.message}`);
  const err = e as NodeJS.ErrnoException;
  // zlib's errors carry Z_DATA_ERROR, Z_BUF_ERROR (unexpected end of file), …
  if (typeof err?.code === 'string' && err.code.startsWith('Z_')) return fail('not-gzip', `not gzip: ${err.message}`);
  if (err?.name === 'AbortError') return fail('target', 'interrupted');
  return fail('target', err?.message ?? String(e));
}

/** age decryption as a pipeline stage; its errors become `cannot decrypt: …` in words. */
function ageDecrypt(identities: readonly string[]) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const { Decrypter } = await import('age-encryption');
    const d = new Decrypter();
    for (const id of identities) d.addIdentity(id);
    let out: ReadableStream<Uint8Array>;
    try {
      out = await d.decrypt(ReadableStream.from(source) as ReadableStream<Uint8Array>);
    } catch (e) {
      throw new StageError('cannot-decrypt', `cannot decrypt: ${decryptWords((e as Error).message)}`);
    }
    try {
      for await (const c of out as unknown as AsyncIterable<Uint8Array>)
        yield Buffer.from(c.buffer, c.byteOffset, c.byteLength);
    } catch (e) {
      throw new StageError(
        'cannot-decrypt',
        `cannot decrypt: the encrypted payload fails authentication (${(e as Error).message})`,
      );
    }
  };
}

function decryptWords(m: string): string {
  if (/no identity matched/.test(m)) return 'no identity in the identity file matches its recipients (wrong key?)';
  if (/version line|header|stanza|armor/.test(m)) return `not an age file (${m})`;
  return m;
}

function drained(s: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.on('drain', done);
    s.on('close', done);
  });
}
