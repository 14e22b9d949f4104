import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SnapshotHead, StoredObject } from '../../src/backup/pipeline.js';
import type { BackupRecord } from '../../src/backup/record.js';
import { hashHex } from '../../src/engine/snapshot-reader.js';

/** A real etcd 3.4 snapshot (scripts/gen-backup-fixture.ts) and what `etcdctl snapshot status` said of it. */
export const FIXTURE = fileURLToPath(new URL('../../fixtures/backup/etcd-3.4-snapshot.db', import.meta.url));
const raw = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/backup/etcd-3.4-snapshot.status.json', import.meta.url)), 'utf8'),
) as { hash: number; revision: number; totalKey: number };
export const FIXTURE_STATUS = { hash: hashHex(raw.hash), revision: raw.revision, totalKeys: raw.totalKey };

export const CLUSTER = 'sGvA1/xk+Q0pZ1Zp6l8yC3c4QxH0N0K1q2J3r4S5t6U=';

/** A copy of the fixture with a fixed mtime (the id's time). */
export function copyFixture(to: string, mtime = new Date('2026-12-06T02:00:00Z')): string {
  copyFileSync(FIXTURE, to);
  utimesSync(to, mtime, mtime);
  return to;
}

/** A file shaped like a snapshot (pages + sha256 trailer) but no bbolt database. */
export function fakeSnapshot(path: string, pages: number): string {
  const body = randomBytes(512 * pages);
  writeFileSync(path, Buffer.concat([body, createHash('sha256').update(body).digest()]));
  return path;
}

/** The catalog entry a backup run writes for a stored snapshot. */
export function recordOf(head: SnapshotHead, object: StoredObject, over: Partial<BackupRecord> = {}): BackupRecord {
  return {
    format: 1,
    id: head.id,
    cluster: { id: CLUSTER, name: 'test' },
    takenAt: head.takenAt.toISOString(),
    result: 'ok',
    source: { node: '127.0.0.61', talosVersion: 'unknown', etcdVersion: '3.4.23' },
    snapshot: {
      bytes: head.bytes,
      sha256: head.sha256,
      etcdHash: FIXTURE_STATUS.hash,
      revision: FIXTURE_STATUS.revision,
      totalKeys: FIXTURE_STATUS.totalKeys,
    },
    object,
    verifications: [],
    ...over,
  };
}
