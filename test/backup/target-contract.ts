import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import type { BackupTarget } from '../../src/backup/record.js';

/**
 * The behaviour every BackupTarget promises (record.ts), run against each real target: a
 * directory and the loopback S3 server. `big` is over S3's 5 MiB part size, so put() must stream
 * it in parts; it comes in uneven chunks, as a gzip stream would.
 */
export function targetContract(make: () => Promise<BackupTarget>, big = 12 * 1024 * 1024 + 77): void {
  const read = async (t: BackupTarget, key: string): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of await t.get(key)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const chunked = (buf: Buffer, size: number): Readable => {
    const parts: Buffer[] = [];
    for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
    return Readable.from(parts);
  };

  it('put, get, list and delete round-trip; a big object streams in parts', async () => {
    const t = await make();
    const body = randomBytes(big);
    const r = await t.put('c1/20261206T020000Z-0123456789ab.db.gz', chunked(body, 777_777));
    expect(r.bytes).toBe(body.length);
    await t.put('c1/20261206T020000Z-0123456789ab.json', Readable.from([Buffer.from('{}')]));
    await t.put('c2/x.json', Readable.from([Buffer.from('{"a":1}')]));
    const back = await read(t, 'c1/20261206T020000Z-0123456789ab.db.gz');
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
    expect(await t.list('c1/')).toEqual([
      'c1/20261206T020000Z-0123456789ab.db.gz',
      'c1/20261206T020000Z-0123456789ab.json',
    ]);
    expect(await t.list('')).toEqual([
      'c1/20261206T020000Z-0123456789ab.db.gz',
      'c1/20261206T020000Z-0123456789ab.json',
      'c2/x.json',
    ]);
    expect(await t.list('c1/2026')).toHaveLength(2);
    expect(await t.list('c3/')).toEqual([]);
    await t.delete('c2/x.json');
    await t.delete('c2/x.json'); // a missing key is not an error
    expect(await t.list('c2/')).toEqual([]);
  });

  it('overwrites a key whole and names a missing object', async () => {
    const t = await make();
    await t.put('k/a.bin', Readable.from([Buffer.from('first version')]));
    await t.put('k/a.bin', Readable.from([Buffer.from('second')]));
    expect((await read(t, 'k/a.bin')).toString()).toBe('second');
    await expect(t.get('k/none.bin')).rejects.toMatchObject({ code: 'TDR_BACKUP_OBJECT_MISSING' });
  });

  it('leaves nothing visible when the body fails mid-way', async () => {
    const t = await make();
    const failing = new Readable({
      read() {
        this.push(randomBytes(64 * 1024));
        setImmediate(() => this.destroy(new Error('snapshot trailer bad')));
      },
    });
    await expect(t.put('f/x.db.gz', failing)).rejects.toThrow(/snapshot trailer bad/);
    expect(await t.list('f/')).toEqual([]);
  });

  it('refuses keys that would leave the target', async () => {
    const t = await make();
    for (const k of ['../x', '/etc/x', 'a//b', 'a/./b', '']) {
      await expect(t.put(k, Readable.from([Buffer.from('x')]))).rejects.toMatchObject({ code: 'TDR_BACKUP_TARGET_IO' });
    }
  });
}
