import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRecipients } from '../../src/backup/age-keys.js';
import { writeRecord } from '../../src/backup/catalog.js';
import { dirTarget } from '../../src/backup/dir-target.js';
import { readSnapshotHead, storeSnapshot } from '../../src/backup/pipeline.js';
import type { BackupRecord } from '../../src/backup/record.js';
import { runCli } from '../helpers/run-cli.js';
import { CLUSTER, copyFixture, FIXTURE_STATUS, recordOf } from './snapshots.js';

// `backup list` and `backup verify` through the built CLI over a catalog made in-process (the
// lab tests cover `backup run`): what a user types, what they read, the exit codes.
const dir = mkdtempSync(join(tmpdir(), 'tdr-backup-cli-'));
const store = join(dir, 'store');
const key = join(dir, 'key.txt');
let record: BackupRecord;

beforeAll(async () => {
  await execa('age-keygen', ['-o', key]);
  const recipient = (await execa('age-keygen', ['-y', key])).stdout.trim();
  const t = dirTarget(store);
  const head = await readSnapshotHead(copyFixture(join(dir, 'snap.db')));
  const object = await storeSnapshot(head, {
    target: t,
    clusterId: CLUSTER,
    recipients: await checkRecipients([recipient]),
  });
  record = recordOf(head, object);
  await writeRecord(t, record);
  await writeRecord(t, {
    ...record,
    id: '20261205T020000Z-000000000000',
    takenAt: '2026-12-05T02:00:00.000Z',
    result: 'failed',
    failure: 'the backup-snapshot run ended failed at source-healthy',
    object: undefined,
    snapshot: undefined,
    source: undefined,
  } as BackupRecord);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backup list and verify (CLI)', () => {
  it('lists the catalog as a table and as JSON', async () => {
    const r = await runCli(['backup', 'list', '--target', store]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+TIME\s+RESULT\s+VERIFIED\s+SIZE\s+REVISION\s+KEYS\s+ENCRYPTED$/);
    expect(lines[1]).toMatch(/^20261205T020000Z-000000000000\s+2026-12-05T02:00:00Z\s+failed\s+-\s+-\s+-\s+-\s+-$/);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${record.id}\\s+2026-12-06T02:00:00Z\\s+ok\\s+-\\s+49\\.2 kB → [\\d.]+ kB\\s+${FIXTURE_STATUS.revision}\\s+${FIXTURE_STATUS.totalKeys}\\s+age \\(1\\)$`,
      ),
    );
    const j = JSON.parse(
      (await runCli(['backup', 'list', '--json'], { env: { TALOS_DR_BACKUP_TARGET: store } })).stdout,
    );
    expect(j).toMatchObject({ target: store, problems: [] });
    expect(j.backups.map((b: BackupRecord) => b.result)).toEqual(['failed', 'ok']);
  });

  it('verifies latest with the identity and records it; names a changed byte and exits 1', async () => {
    const ok = await runCli(['backup', 'verify', '--target', store, '--identity', key]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(
      `backup ${record.id} verified: ok: sha256 of the stored object, decryption, gzip, snapshot trailer, revision ${FIXTURE_STATUS.revision}, ${FIXTURE_STATUS.totalKeys} keys, etcd hash ${FIXTURE_STATUS.hash}`,
    );
    expect((await runCli(['backup', 'list', '--target', store])).stdout).toMatch(/ ok\s+yes \d{4}-\d\d-\d\d /);
    const t = dirTarget(store);
    const chunks: Buffer[] = [];
    for await (const c of await t.get(record.object?.key ?? '')) chunks.push(c as Buffer);
    const bad = Buffer.concat(chunks);
    bad[40] = (bad[40] ?? 0) ^ 0x20;
    await t.put(record.object?.key ?? '', Readable.from([bad]));
    const v = await runCli(['backup', 'verify', record.id, '--target', store, '--identity', key]);
    expect(v.code).toBe(1);
    expect(v.stdout).toMatch(new RegExp(`^backup ${record.id} FAILED verify: sha256 of the stored object differs: `));
    expect((await runCli(['backup', 'list', '--target', store])).stdout).toMatch(/ ok\s+FAILED \d{4}-/);
  });

  it('exits 2 naming what is missing: an identity, an unknown id, a target', async () => {
    const noKey = await runCli(['backup', 'verify', 'latest', '--target', store]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain(`TDR_BACKUP_IDENTITY_NEEDED backup ${record.id} is encrypted (to age1`);
    const unknown = await runCli(['backup', 'verify', 'nope', '--target', store]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`no backup "nope" in the catalog at ${store}`);
    const none = await runCli(['backup', 'list']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing --target <dir|s3://bucket/prefix> (or set TALOS_DR_BACKUP_TARGET)');
    expect(none.stderr).not.toMatch(/\n\s+at /);
  });
});
