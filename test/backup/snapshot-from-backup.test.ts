import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectKey, writeRecord } from '../../src/backup/catalog.js';
import { dirTarget } from '../../src/backup/dir-target.js';
import { readSnapshotHead, storeSnapshot } from '../../src/backup/pipeline.js';
import type { BackupRecord } from '../../src/backup/record.js';
import { paramsFromBackups, snapshotFromBackup } from '../../src/backup/snapshot-from-backup.js';
import { CLUSTER, copyFixture, recordOf } from './snapshots.js';

// Attacks on `--param snapshot=backup:latest`: what a restore starts from is the newest VERIFIED
// backup, checked whole before the run; anything else is refused before anything runs.
const dir = mkdtempSync(join(tmpdir(), 'tdr-snap-from-backup-'));
const store = join(dir, 'store');
const t = dirTarget(store);
let verified: BackupRecord;

beforeAll(async () => {
  const head = await readSnapshotHead(copyFixture(join(dir, 'a.db'), new Date('2026-12-05T02:00:00Z')));
  verified = recordOf(head, await storeSnapshot(head, { target: t, clusterId: CLUSTER, recipients: [] }), {
    verifications: [{ at: '2026-12-05T02:01:00.000Z', ok: true, detail: 'ok' }],
  });
  await writeRecord(t, verified);
  // a newer backup that was never verified: latest must not pick it
  const newer = await readSnapshotHead(copyFixture(join(dir, 'b.db'), new Date('2026-12-06T02:00:00Z')));
  await writeRecord(t, recordOf(newer, await storeSnapshot(newer, { target: t, clusterId: CLUSTER, recipients: [] })));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fetch = (value: string, outPath: string, target = t) =>
  snapshotFromBackup({ value, param: 'snapshot', target, identities: [], outPath });

describe('snapshot=backup:<id|latest>', () => {
  it('latest is the newest backup whose last verify passed, not the newest one', async () => {
    const got = await fetch('backup:latest', join(dir, 'out-latest.snapshot'));
    expect(got.record.id).toBe(verified.id);
    expect(got.note).toMatch(new RegExp(`^backup ${verified.id} of cluster test, taken 2026-12-05T02:00:00\\.000Z`));
    expect(got.note).toContain('(verified)');
    expect(readFileSync(got.path).length).toBe(verified.snapshot?.bytes);
  });

  it('refuses odd spellings, unknown ids and a file that exists (never overwritten)', async () => {
    await expect(fetch('backup:', join(dir, 'x1'))).rejects.toThrow(/backup:latest or backup:<id>/);
    await expect(fetch('backup:../../etc/passwd', join(dir, 'x2'))).rejects.toThrow(/backup:latest or backup:<id>/);
    await expect(fetch('backup:20991231T000000Z-000000000000', join(dir, 'x3'))).rejects.toThrow(/no backup 2099/);
    const there = join(dir, 'there.snapshot');
    writeFileSync(there, 'keep me');
    await expect(fetch('backup:latest', there)).rejects.toThrow(/exists: it is never overwritten/);
    expect(readFileSync(there, 'utf8')).toBe('keep me');
  });

  it('two clusters in one target: the operator must say which', async () => {
    const two = dirTarget(join(dir, 'two'));
    for (const [cluster, name] of [
      [CLUSTER, 'a.db'],
      ['other-cluster-id', 'c.db'],
    ] as const) {
      const head = await readSnapshotHead(copyFixture(join(dir, `two-${name}`)));
      const obj = await storeSnapshot(head, { target: two, clusterId: cluster, recipients: [] });
      await writeRecord(
        two,
        recordOf(head, obj, { cluster: { id: cluster, name }, verifications: verified.verifications }),
      );
    }
    await expect(fetch('backup:latest', join(dir, 'x4'), two)).rejects.toThrow(
      /holds backups of 2 clusters.*@<cluster id>/,
    );
    const one = await fetch('backup:latest@other-cluster-id', join(dir, 'x5'), two);
    expect(one.record.cluster.id).toBe('other-cluster-id');
  });

  it('a stored object changed by one byte is refused before the run, and no snapshot file is left', async () => {
    const bad = dirTarget(join(dir, 'bad'));
    const head = await readSnapshotHead(copyFixture(join(dir, 'bad.db')));
    const rec = recordOf(head, await storeSnapshot(head, { target: bad, clusterId: CLUSTER, recipients: [] }), {
      verifications: verified.verifications,
    });
    await writeRecord(bad, rec);
    const file = join(dir, 'bad', objectKey(CLUSTER, rec.id, false));
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const out = join(dir, 'x6');
    await expect(fetch(`backup:${rec.id}`, out, bad)).rejects.toThrow(/cannot be restored \(sha256-differs\)/);
    expect(existsSync(out)).toBe(false);
  });

  it('only path params written backup:… are fetched; other params pass through as typed', async () => {
    const r = await paramsFromBackups(
      { params: { snapshot: { type: 'path' }, bootstrapNode: { type: 'string' } } },
      { snapshot: 'backup:latest', bootstrapNode: 'backup:latest' },
      { backupTarget: store, dryRun: true, env: {}, cwd: dir },
    );
    expect(r.params.bootstrapNode).toBe('backup:latest');
    expect(String(r.params.snapshot)).toMatch(/snapshot-from-backup-\d{8}T\d{6}Z\.snapshot$/);
    expect(Object.keys(r.sources)).toEqual(['snapshot']);
  });
});
