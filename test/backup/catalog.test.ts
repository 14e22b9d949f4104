import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  clusterDir,
  clusterIdOfDir,
  entryKey,
  latestOk,
  logKey,
  makeBackupId,
  objectKey,
  readCatalog,
  readRecord,
  recordVerification,
  removeBackup,
  writeRecord,
} from '../../src/backup/catalog.js';
import { dirTarget } from '../../src/backup/dir-target.js';
import type { BackupRecord, BackupTarget } from '../../src/backup/record.js';

const CLUSTER = 'sGvA1/xk+Q0pZ1Zp6l8yC3c4QxH0N0K1q2J3r4S5t6U=';

function target(): BackupTarget {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-catalog-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dirTarget(dir);
}

function sampleRecord(id: string, over: Partial<BackupRecord> = {}): BackupRecord {
  return {
    format: 1,
    id,
    cluster: { id: CLUSTER, name: 'prod' },
    takenAt: '2026-12-06T02:00:00.000Z',
    result: 'ok',
    source: { node: '10.5.0.2', talosVersion: 'v1.14.0', etcdVersion: '3.6.4' },
    snapshot: { bytes: 2080, sha256: 'a'.repeat(64), etcdHash: 'deadbeef', revision: 12, totalKeys: 3 },
    object: {
      key: objectKey(CLUSTER, id, false),
      bytes: 100,
      sha256: 'b'.repeat(64),
      compression: 'gzip',
      recipients: [],
    },
    log: logKey(CLUSTER, id),
    verifications: [{ at: '2026-12-06T02:00:05.000Z', ok: true, detail: 'ok' }],
    ...over,
  };
}

describe('catalog', () => {
  it('names a backup by the snapshot time (UTC, seconds) and sha256: the same snapshot, the same id', () => {
    const at = new Date('2026-12-06T02:03:04.567Z');
    expect(makeBackupId(at, 'ABCDEF0123456789'.toLowerCase().padEnd(64, '0'))).toBe('20261206T020304Z-abcdef012345');
    expect(makeBackupId(at, 'f'.repeat(64))).toBe(makeBackupId(new Date(at), 'f'.repeat(64)));
  });

  it('makes any cluster id one path segment, reversibly', () => {
    expect(clusterDir(CLUSTER)).toBe('sGvA1%2Fxk%2BQ0pZ1Zp6l8yC3c4QxH0N0K1q2J3r4S5t6U%3D');
    expect(clusterIdOfDir(clusterDir(CLUSTER))).toBe(CLUSTER);
    expect(clusterDir('..')).toBe('%2E%2E');
    expect(clusterIdOfDir(clusterDir('10.5.0.2,10.5.0.3 é'))).toBe('10.5.0.2,10.5.0.3 é');
    expect(entryKey('a', '20261206T020304Z-abcdef012345')).toBe('a/20261206T020304Z-abcdef012345.json');
    expect(objectKey('a', 'i', true)).toBe('a/i.db.gz.age');
  });

  it('reads entries back sorted by id, and reports an unreadable one instead of dropping it', async () => {
    const t = target();
    await writeRecord(t, sampleRecord('20261207T020000Z-222222222222'));
    await writeRecord(t, sampleRecord('20261206T020000Z-111111111111'));
    await writeRecord(t, {
      ...sampleRecord('20261208T020000Z-333333333333'),
      result: 'failed',
      failure: 'step snapshot failed',
      object: undefined,
      snapshot: undefined,
      verifications: [],
    } as BackupRecord);
    await t.put(
      `${clusterDir(CLUSTER)}/20261209T020000Z-444444444444.json`,
      Readable.from([Buffer.from('{"format":1')]),
    );
    await t.put(
      `${clusterDir(CLUSTER)}/20261210T020000Z-555555555555.json`,
      Readable.from([Buffer.from(JSON.stringify(sampleRecord('20261211T020000Z-555555555555')))]),
    );
    await t.put(`${clusterDir(CLUSTER)}/20261206T020000Z-111111111111.db.gz`, Readable.from([Buffer.from('x')]));
    const c = await readCatalog(t, CLUSTER);
    expect(c.map((r) => r.id)).toEqual([
      '20261206T020000Z-111111111111',
      '20261207T020000Z-222222222222',
      '20261208T020000Z-333333333333',
    ]);
    expect(c.problems).toEqual([
      { key: `${clusterDir(CLUSTER)}/20261209T020000Z-444444444444.json`, reason: expect.stringMatching(/^not JSON/) },
      {
        key: `${clusterDir(CLUSTER)}/20261210T020000Z-555555555555.json`,
        reason: `its content names ${entryKey(CLUSTER, '20261211T020000Z-555555555555')}`,
      },
    ]);
    expect(latestOk(c)?.id).toBe('20261207T020000Z-222222222222');
    expect((await readCatalog(t)).map((r) => r.id)).toHaveLength(3);
    expect(await readCatalog(t, 'other')).toHaveLength(0);
  });

  it('names the field that is wrong in an entry', async () => {
    const t = target();
    const bad = { ...sampleRecord('20261206T020000Z-111111111111'), result: 'maybe' };
    await t.put(entryKey(CLUSTER, bad.id), Readable.from([Buffer.from(JSON.stringify(bad))]));
    expect((await readCatalog(t)).problems[0]?.reason).toMatch(/^result: /);
    expect(await readRecord(t, CLUSTER, '20261206T020000Z-999999999999')).toBeUndefined();
  });

  it('appends a verification and rewrites the entry', async () => {
    const t = target();
    const r = sampleRecord('20261206T020000Z-111111111111');
    await writeRecord(t, r);
    await recordVerification(t, r, { at: '2026-12-07T00:00:00.000Z', ok: false, detail: 'sha256 differs' });
    const [back] = await readCatalog(t);
    expect(back?.verifications.map((v) => v.ok)).toEqual([true, false]);
  });

  it('removes the object, then the log, then the entry last', async () => {
    const t = target();
    const r = sampleRecord('20261206T020000Z-111111111111');
    const order: string[] = [];
    const spy: BackupTarget = { ...t, delete: async (k) => void order.push(k) };
    await removeBackup(spy, r);
    expect(order).toEqual([r.object?.key, r.log, entryKey(CLUSTER, r.id)]);
  });
});
