import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dirTarget } from '../../src/backup/dir-target.js';
import { openBackup, storedBytesProblem } from '../../src/backup/open.js';
import { readSnapshotHead, storeSnapshot } from '../../src/backup/pipeline.js';
import type { BackupRecord } from '../../src/backup/record.js';
import { CLUSTER, copyFixture, recordOf } from './snapshots.js';

/**
 * A stored backup back to a snapshot file: each way the stored object can be wrong gets its own
 * problem, the most basic cause first (a truncated object also fails gunzip: "truncated" is what
 * the operator must hear), and a refused backup leaves no file behind. Real snapshot
 * (fixtures/backup/), real gzip and age, a directory target in a temp dir.
 */
async function stored(o: { encrypt?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-open-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const target = dirTarget(join(dir, 'target'));
  const head = await readSnapshotHead(copyFixture(join(dir, 'snap.db')));
  const key = await generateIdentity();
  const recipients = o.encrypt ? [await identityToRecipient(key)] : [];
  const object = await storeSnapshot(head, { target, clusterId: CLUSTER, recipients });
  const record = recordOf(head, object);
  const objectFile = join(dir, 'target', object.key);
  return { dir, target, head, record, key, objectFile, out: join(dir, 'restored.db') };
}

/** The record with its object entry made to match bytes now at the object's place. */
function catalogue(record: BackupRecord, file: string, bytes: Buffer): BackupRecord {
  writeFileSync(file, bytes);
  const object = record.object as NonNullable<BackupRecord['object']>;
  return {
    ...record,
    object: { ...object, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') },
  };
}

const gone = (path: string): boolean => {
  try {
    statSync(path);
    return false;
  } catch {
    return true;
  }
};

describe('openBackup', () => {
  it('gives back the snapshot that was stored, byte for byte, in a private file', async () => {
    const s = await stored();
    const r = await openBackup({ target: s.target, record: s.record, identities: [], outPath: s.out });
    expect(r).toEqual({ ok: true, path: s.out, bytes: s.head.bytes, sha256: s.head.sha256 });
    expect(readFileSync(s.out).equals(readFileSync(join(s.dir, 'snap.db')))).toBe(true);
    expect(statSync(s.out).mode & 0o777).toBe(0o600);
  });

  it('decrypts with the right identity', async () => {
    const s = await stored({ encrypt: true });
    const r = await openBackup({ target: s.target, record: s.record, identities: [s.key], outPath: s.out });
    expect(r).toMatchObject({ ok: true, bytes: s.head.bytes, sha256: s.head.sha256 });
  });

  it('a wrong identity: cannot-decrypt, in words, and no file left', async () => {
    const s = await stored({ encrypt: true });
    const r = await openBackup({
      target: s.target,
      record: s.record,
      identities: [await generateIdentity()],
      outPath: s.out,
    });
    expect(r).toEqual({
      ok: false,
      problem: 'cannot-decrypt',
      detail: 'cannot decrypt: no identity in the identity file matches its recipients (wrong key?)',
    });
    expect(gone(s.out)).toBe(true);
  });

  it('a failed run has no object; a deleted object is object-missing', async () => {
    const s = await stored();
    const { object: _o, ...failed } = { ...s.record, result: 'failed' as const };
    expect(await openBackup({ target: s.target, record: failed, identities: [], outPath: s.out })).toEqual({
      ok: false,
      problem: 'no-object',
      detail: `backup ${s.record.id} stored no object (its run failed)`,
    });
    rmSync(s.objectFile);
    const r = await openBackup({ target: s.target, record: s.record, identities: [], outPath: s.out });
    expect(r).toMatchObject({ ok: false, problem: 'object-missing' });
    expect(gone(s.out)).toBe(true);
  });

  it('a truncated object is "truncated", not the gunzip error it also causes; nothing left behind', async () => {
    const s = await stored();
    const size = statSync(s.objectFile).size;
    truncateSync(s.objectFile, size - 100);
    const r = await openBackup({ target: s.target, record: s.record, identities: [], outPath: s.out });
    expect(r).toEqual({
      ok: false,
      problem: 'truncated',
      detail: `truncated: the stored object is ${size - 100} bytes, the catalog says ${size}`,
    });
    expect(gone(s.out)).toBe(true);
  });

  it('one flipped byte (same size) is sha256-differs, before not-gzip or a bad trailer', async () => {
    const s = await stored();
    const bytes = readFileSync(s.objectFile);
    const mid = Math.floor(bytes.length / 2);
    bytes[mid] = (bytes[mid] ?? 0) ^ 0xff;
    writeFileSync(s.objectFile, bytes);
    const r = await openBackup({ target: s.target, record: s.record, identities: [], outPath: s.out });
    expect(r).toMatchObject({ ok: false, problem: 'sha256-differs' });
    expect((r as { detail: string }).detail).toMatch(
      /^sha256 of the stored object differs: [0-9a-f]{16}…, the catalog says /,
    );
  });

  it('catalogued bytes that are not gzip: not-gzip', async () => {
    const s = await stored();
    const record = catalogue(s.record, s.objectFile, Buffer.from('this is not gzip at all'));
    const r = await openBackup({ target: s.target, record, identities: [], outPath: s.out });
    expect(r).toMatchObject({ ok: false, problem: 'not-gzip' });
    expect((r as { detail: string }).detail).toMatch(/^not gzip: /);
    expect(gone(s.out)).toBe(true);
  });

  it("gzip of a snapshot whose trailer is not its content's sha256: trailer-bad", async () => {
    const s = await stored();
    const snap = readFileSync(join(s.dir, 'snap.db'));
    snap[10] = (snap[10] ?? 0) ^ 0xff; // content changed, trailer kept
    const record = catalogue(s.record, s.objectFile, gzipSync(snap));
    const r = await openBackup({ target: s.target, record, identities: [], outPath: s.out });
    expect(r).toMatchObject({ ok: false, problem: 'trailer-bad' });
    expect(gone(s.out)).toBe(true);
  });

  it('a sound object holding another snapshot than the catalogued one: snapshot-differs', async () => {
    const s = await stored();
    const snapshot = { ...(s.record.snapshot as NonNullable<BackupRecord['snapshot']>), sha256: '0'.repeat(64) };
    const r = await openBackup({ target: s.target, record: { ...s.record, snapshot }, identities: [], outPath: s.out });
    expect(r).toEqual({
      ok: false,
      problem: 'snapshot-differs',
      detail: `the snapshot inside is not the one catalogued: ${s.head.bytes} bytes, sha256 ${s.head.sha256.slice(0, 12)}…; the catalog says ${s.head.bytes} bytes, 000000000000…`,
    });
    expect(gone(s.out)).toBe(true);
  });

  it('never overwrites, nor removes, a file already at the out path', async () => {
    const s = await stored();
    writeFileSync(s.out, 'precious');
    await expect(openBackup({ target: s.target, record: s.record, identities: [], outPath: s.out })).rejects.toThrow(
      /EEXIST/,
    );
    expect(readFileSync(s.out, 'utf8')).toBe('precious');
    // refused before it made the file (no object, object missing): the file there is not its to remove
    const { object: _o, ...failed } = { ...s.record, result: 'failed' as const };
    expect(await openBackup({ target: s.target, record: failed, identities: [], outPath: s.out })).toMatchObject({
      problem: 'no-object',
    });
    rmSync(s.objectFile);
    expect(await openBackup({ target: s.target, record: s.record, identities: [], outPath: s.out })).toMatchObject({
      problem: 'object-missing',
    });
    expect(readFileSync(s.out, 'utf8')).toBe('precious');
  });
});

describe('storedBytesProblem', () => {
  const obj = { bytes: 100, sha256: 'a'.repeat(64) };
  it('size first (shorter: truncated; longer: size differs), then sha256, else none', () => {
    expect(storedBytesProblem(99, 'b'.repeat(64), obj)).toEqual({
      problem: 'truncated',
      detail: 'truncated: the stored object is 99 bytes, the catalog says 100',
    });
    expect(storedBytesProblem(101, 'a'.repeat(64), obj)).toEqual({
      problem: 'truncated',
      detail: 'size differs: the stored object is 101 bytes, the catalog says 100',
    });
    expect(storedBytesProblem(100, 'b'.repeat(64), obj)).toEqual({
      problem: 'sha256-differs',
      detail: `sha256 of the stored object differs: ${'b'.repeat(16)}…, the catalog says ${'a'.repeat(16)}…`,
    });
    expect(storedBytesProblem(100, 'a'.repeat(64), obj)).toBeUndefined();
  });
});
