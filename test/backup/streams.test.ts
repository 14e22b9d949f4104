import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  Measure,
  TRAILER_BYTES,
  TrailerCheck,
  TrailerError,
  trailerProblem,
} from '../../src/backup/streams.js';

/** A snapshot as etcd writes one: bbolt pages, then the sha256 of them as a 32-byte trailer. */
function snapshot(pages: number): Buffer {
  const body = Buffer.alloc(pages * 512);
  for (let i = 0; i < body.length; i++) body[i] = (i * 31 + 7) & 0xff;
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

/** Streams `data` in chunks of the given sizes (cycled) through a stage; what came out. */
async function through<T extends NodeJS.ReadWriteStream>(stage: T, data: Buffer, sizes: readonly number[]) {
  const chunks: Buffer[] = [];
  for (let at = 0, k = 0; at < data.length; k++) {
    const n = sizes[k % sizes.length] ?? 1;
    chunks.push(data.subarray(at, at + n));
    at += n;
  }
  const out: Buffer[] = [];
  await pipeline(
    Readable.from(chunks),
    stage,
    new Writable({
      write(c: Buffer, _e, done) {
        out.push(c);
        done();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('TrailerCheck', () => {
  const good = snapshot(8);

  it.each([
    [[1 << 20]],
    [[1]],
    [[31, 33]],
    [[32]],
    [[500, 7, 1]],
  ])('passes a complete snapshot in chunks of %j', async (sizes) => {
    const t = new TrailerCheck();
    const out = await through(t, good, sizes);
    expect(out.equals(good)).toBe(true);
    expect(t.bytes).toBe(good.length);
    expect(t.trailer).toBe(good.subarray(-TRAILER_BYTES).toString('hex'));
  });

  it('fails a one-byte change anywhere, a truncated and an extended snapshot', async () => {
    for (const at of [0, 511, 4095, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] = (bad[at] ?? 0) ^ 1;
      await expect(through(new TrailerCheck(), bad, [100])).rejects.toThrow(/trailer does not match its content/);
    }
    await expect(through(new TrailerCheck(), good.subarray(0, -1), [100])).rejects.toThrow(
      new TrailerError(`incomplete: ${good.length - 1} bytes, size % 512 = 31 (a complete snapshot gives 32)`),
    );
    await expect(through(new TrailerCheck(), Buffer.concat([good, Buffer.alloc(512)]), [100])).rejects.toThrow(
      TrailerError,
    );
  });

  it('holds a copy of the last 32 bytes: a producer may refill its buffer once a chunk is taken', async () => {
    // as a file reader does: one buffer, refilled after each write's callback (the chunk was consumed)
    const t = new TrailerCheck();
    t.resume();
    const shared = Buffer.alloc(100);
    for (let at = 0; at < good.length; at += shared.length) {
      const n = good.copy(shared, 0, at, Math.min(good.length, at + shared.length));
      await new Promise<void>((resolve, reject) => t.write(shared.subarray(0, n), (e) => (e ? reject(e) : resolve())));
    }
    shared.fill(0xee);
    const ended = new Promise<void>((resolve, reject) => {
      t.on('end', resolve);
      t.on('error', reject);
    });
    t.end();
    await ended;
    expect(t.trailer).toBe(good.subarray(-TRAILER_BYTES).toString('hex'));
  });
});

describe('Measure and the small helpers', () => {
  it('counts and hashes what passes, unchanged', async () => {
    const m = new Measure();
    const data = snapshot(3);
    expect((await through(m, data, [100])).equals(data)).toBe(true);
    expect(m.bytes).toBe(data.length);
    expect(m.sha256()).toBe(createHash('sha256').update(data).digest('hex'));
    expect(m.sha256()).toBe(m.sha256());
  });

  it('trailerProblem: only size % 512 = 32 with a matching trailer is complete', () => {
    const sha = createHash('sha256').update('x').digest();
    expect(trailerProblem(512 + 32, sha, sha)).toBeUndefined();
    expect(trailerProblem(512, sha, sha)).toMatch(/^incomplete: 512 bytes, size % 512 = 0/);
    expect(trailerProblem(32, sha, Buffer.alloc(32))).toMatch(/^its sha256 trailer does not match/);
  });

  it('formatBytes in base 1000, as etcd prints sizes', () => {
    expect([0, 45_100, 999_999, 3_200_000, 2_100_000_000].map(formatBytes)).toEqual([
      '0.0 kB',
      '45.1 kB',
      '1000.0 kB',
      '3.2 MB',
      '2.10 GB',
    ]);
  });
});
