import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * The two stream stages the backup pipeline and its reverse share. Both pass every chunk on at
 * once (no buffering beyond 32 bytes), so a 2 GiB snapshot never sits in memory.
 */

/** sha256 and byte count of whatever passes through (the stored object, as stored or as read). */
export class Measure extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private hex: string | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** valid once the stream has ended */
  sha256(): string {
    this.hex ??= this.hash.digest('hex');
    return this.hex;
  }
}

export const TRAILER_BYTES = 32;

/**
 * etcd's own integrity check, in one pass: a snapshot is bbolt pages (512-byte multiples) plus a
 * 32-byte trailer, the sha256 of everything before it. The last 32 bytes seen are held back from
 * the hash; at the end they must equal it. `bbolt` length and trailer are what `bootstrap
 * --recover-from` checks; a snapshot that fails here would be refused on the day of a restore.
 * On a mismatch the stream fails with a TrailerError, so nothing downstream commits.
 */
export class TrailerCheck extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');
  private tail: Buffer = Buffer.alloc(0);
  /** the trailer's value (= sha256 of the content before it), once the stream ended well */
  trailer: string | undefined;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (chunk.length >= TRAILER_BYTES) {
      // the usual case (1 MiB reads): hash what was held and all but this chunk's last 32 bytes
      this.hash.update(this.tail);
      this.hash.update(chunk.subarray(0, chunk.length - TRAILER_BYTES));
      // a copy: the held bytes must not alias a buffer the producer may reuse
      this.tail = Buffer.from(chunk.subarray(chunk.length - TRAILER_BYTES));
    } else {
      const all = Buffer.concat([this.tail, chunk]);
      const cut = Math.max(0, all.length - TRAILER_BYTES);
      this.hash.update(all.subarray(0, cut));
      this.tail = Buffer.from(all.subarray(cut));
    }
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    const problem = trailerProblem(this.bytes, this.hash.digest(), this.tail);
    if (problem) {
      done(new TrailerError(problem));
      return;
    }
    this.trailer = this.tail.toString('hex');
    done();
  }
}

export class TrailerError extends Error {
  override readonly name = 'TrailerError';
}

/** Why a snapshot of this size, content hash and trailer is not complete, or undefined. */
export function trailerProblem(bytes: number, contentSha: Buffer, trailer: Buffer): string | undefined {
  if (bytes % 512 !== TRAILER_BYTES)
    return `incomplete: ${bytes} bytes, size % 512 = ${bytes % 512} (a complete snapshot gives 32)`;
  if (!contentSha.equals(trailer))
    return `its sha256 trailer does not match its content (trailer ${trailer.toString('hex').slice(0, 12)}…, content ${contentSha.toString('hex').slice(0, 12)}…)`;
  return undefined;
}

/** 45.1 kB, 3.2 MB, 2.1 GB (base 1000, as etcd and talosctl print sizes). */
export function formatBytes(n: number): string {
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}
