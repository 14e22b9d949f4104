import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { writeRecord } from '../../src/backup/catalog.js';
import { dirTarget } from '../../src/backup/dir-target.js';
import { readSnapshotHead, storeOnce, storeSnapshot } from '../../src/backup/pipeline.js';
import type { BackupRecord, BackupTarget } from '../../src/backup/record.js';
import { s3Target } from '../../src/backup/s3-target.js';
import { verifyBackup } from '../../src/backup/verify.js';
import { type LoopbackS3, startS3Server } from '../helpers/s3-server.js';
import { CLUSTER, copyFixture, FIXTURE_STATUS, fakeSnapshot, recordOf } from './snapshots.js';

let s3: LoopbackS3;
let n = 0;
let key: string;
let recipient: string;

beforeAll(async () => {
  s3 = await startS3Server(['backups']);
  key = await generateIdentity();
  recipient = await identityToRecipient(key);
}, 30_000);
afterAll(async () => {
  await s3?.stop();
});

function temp(): string {
  const d = mkdtempSync(join(tmpdir(), 'tdr-pipeline-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const targets: Record<string, () => BackupTarget> = {
  dir: () => dirTarget(join(temp(), 'store')),
  s3: () => s3Target({ bucket: 'backups', prefix: `p${n++}`, env: s3.env }),
};

async function bytesOf(t: BackupTarget, k: string): Promise<Buffer> {
  const cs: Buffer[] = [];
  for await (const c of await t.get(k)) cs.push(c as Buffer);
  return Buffer.concat(cs);
}

/** Stores the fixture snapshot (encrypted or not) and returns its record. */
async function stored(t: BackupTarget, encrypt: boolean): Promise<BackupRecord> {
  const head = await readSnapshotHead(copyFixture(join(temp(), 'snap.db')));
  const object = await storeSnapshot(head, { target: t, clusterId: CLUSTER, recipients: encrypt ? [recipient] : [] });
  return recordOf(head, object);
}

describe.each(Object.keys(targets))('backup pipeline on a real etcd snapshot (%s target)', (kind) => {
  const make = targets[kind] as () => BackupTarget;

  it('stores gzip, and verify reads back revision and key count with etcdctl', async () => {
    const t = make();
    const r = await stored(t, false);
    expect(r.object?.key).toBe(`sGvA1%2Fxk%2BQ0pZ1Zp6l8yC3c4QxH0N0K1q2J3r4S5t6U%3D/${r.id}.db.gz`);
    expect(r.id).toMatch(/^20261206T020000Z-[0-9a-f]{12}$/);
    expect(r.object?.bytes).toBeLessThan(r.snapshot?.bytes ?? 0);
    const v = await verifyBackup(t, r, { identities: [] });
    expect(v).toMatchObject({ ok: true });
    expect(v.detail).toContain(`revision ${FIXTURE_STATUS.revision}, ${FIXTURE_STATUS.totalKeys} keys`);
  });

  it('stores gzip+age, verifies with the identity, and without it checks the stored bytes only', async () => {
    const t = make();
    const r = await stored(t, true);
    expect(r.object?.key.endsWith('.db.gz.age')).toBe(true);
    expect((await bytesOf(t, r.object?.key ?? '')).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    expect(await verifyBackup(t, r, { identities: [key] })).toMatchObject({ ok: true });
    expect((await verifyBackup(t, r, { identities: [] })).detail).toBe(
      'stored object read back: size and sha256 match (encrypted; not decrypted: no --identity)',
    );
  });

  it('names an object truncated, changed by one byte, or missing', async () => {
    const t = make();
    const r = await stored(t, true);
    const k = r.object?.key ?? '';
    const good = await bytesOf(t, k);
    await t.put(k, Readable.from([good.subarray(0, good.length - 100)]));
    expect((await verifyBackup(t, r, { identities: [key] })).detail).toBe(
      `truncated: the stored object is ${good.length - 100} bytes, the catalog says ${good.length}`,
    );
    const flipped = Buffer.from(good);
    flipped[flipped.length >> 1] = (flipped[flipped.length >> 1] ?? 0) ^ 0x01;
    await t.put(k, Readable.from([flipped]));
    expect((await verifyBackup(t, r, { identities: [key] })).detail).toMatch(
      /^sha256 of the stored object differs: [0-9a-f]{16}…, the catalog says [0-9a-f]{16}…$/,
    );
    await t.delete(k);
    expect(await verifyBackup(t, r, { identities: [key] })).toMatchObject({
      ok: false,
      detail: `object missing: ${k} is not at ${t.url}`,
    });
  });
});

describe('backup pipeline: what verify names', () => {
  it('a wrong identity, and an object that is not an age file', async () => {
    const t = targets.dir?.() as BackupTarget;
    const r = await stored(t, true);
    const other = await generateIdentity();
    expect((await verifyBackup(t, r, { identities: [other] })).detail).toBe(
      'cannot decrypt: no identity in the identity file matches its recipients (wrong key?)',
    );
    const plain = await stored(t, false);
    // a catalog that says "encrypted" over a plain gzip object (stored bytes as catalogued)
    const lying = {
      ...plain,
      object: { ...(plain.object as NonNullable<BackupRecord['object']>), recipients: [recipient] },
    };
    expect((await verifyBackup(t, lying, { identities: [key] })).detail).toMatch(/^cannot decrypt: not an age file/);
  });

  it('not gzip, a bad trailer inside, and a key count that differs from the catalog', async () => {
    const t = targets.dir?.() as BackupTarget;
    const r = await stored(t, false);
    const obj = r.object as NonNullable<BackupRecord['object']>;
    const put = async (body: Buffer): Promise<BackupRecord> => {
      await t.put(obj.key, Readable.from([body]));
      const { createHash } = await import('node:crypto');
      return { ...r, object: { ...obj, bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') } };
    };
    const snap = gunzipSync(await bytesOf(t, obj.key));
    expect((await verifyBackup(t, await put(Buffer.from('not gzip at all')), { identities: [] })).detail).toMatch(
      /^not gzip: /,
    );
    const bad = Buffer.from(snap);
    bad[100] = (bad[100] ?? 0) ^ 0xff;
    expect((await verifyBackup(t, await put(gzipSync(bad)), { identities: [] })).detail).toMatch(
      /^snapshot trailer bad: its sha256 trailer does not match its content/,
    );
    const more = await put(gzipSync(snap));
    const wrongKeys = {
      ...more,
      snapshot: { ...(more.snapshot as NonNullable<BackupRecord['snapshot']>), totalKeys: 206 },
    };
    expect((await verifyBackup(t, wrongKeys, { identities: [] })).detail).toBe(
      `key count differs: ${FIXTURE_STATUS.totalKeys} keys, the catalog says 206`,
    );
  });

  it('refuses an incomplete snapshot before storing, and a bad trailer while storing (nothing committed)', async () => {
    const d = temp();
    const t = dirTarget(join(d, 'store'));
    const short = copyFixture(join(d, 'short.db'));
    truncateSync(short, 49184 - 100);
    await expect(readSnapshotHead(short)).rejects.toThrow(
      `snapshot ${short} refused: incomplete: 49084 bytes, size % 512 = 444 (a complete snapshot gives 32)`,
    );
    const p = fakeSnapshot(join(d, 'bad.db'), 64);
    const buf = (await import('node:fs')).readFileSync(p);
    buf[10] = (buf[10] ?? 0) ^ 1;
    writeFileSync(p, buf);
    const head = await readSnapshotHead(p);
    await expect(storeSnapshot(head, { target: t, clusterId: 'c', recipients: [] })).rejects.toThrow(
      /refused: its sha256 trailer does not match its content/,
    );
    expect(await t.list('')).toEqual([]);
    expect(readdirSync(join(d, 'store', 'c'))).toEqual([]);
  });

  it('does not clobber a committed, verified backup of the same snapshot', async () => {
    const t = targets.dir?.() as BackupTarget;
    const r = await stored(t, true);
    await writeRecord(t, { ...r, verifications: [{ at: '2026-12-06T02:00:01.000Z', ok: true, detail: 'ok' }] });
    const before = await bytesOf(t, r.object?.key ?? '');
    const head = await readSnapshotHead(copyFixture(join(temp(), 'again.db')));
    expect(head.id).toBe(r.id);
    const again = await storeOnce(head, { target: t, clusterId: CLUSTER, recipients: [recipient] });
    expect(again).toMatchObject({ already: { id: r.id } });
    expect((await bytesOf(t, r.object?.key ?? '')).equals(before)).toBe(true);
    expect(await t.list('')).toHaveLength(2); // the object and its entry: no second object
  });

  it('gives the same snapshot the same id and object key', async () => {
    const d = temp();
    const a = await readSnapshotHead(copyFixture(join(d, 'a.db')));
    const b = await readSnapshotHead(copyFixture(join(d, 'b.db')));
    expect(a.id).toBe(b.id);
    const c = await readSnapshotHead(copyFixture(join(d, 'c.db'), new Date('2026-12-07T02:00:00Z')));
    expect(c.id).not.toBe(a.id);
  });
});
