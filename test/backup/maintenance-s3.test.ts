import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/backup/catalog.js';
import { s3Target } from '../../src/backup/s3-target.js';
import { type LoopbackS3, startS3Server } from '../helpers/s3-server.js';
import { backupCli, store } from './maintenance-cli.js';
import { type Kind, makeRecord } from './retention-records.js';

/** prune and status against the real S3-compatible server on loopback, through an s3:// --target. */

let s3: LoopbackS3;
beforeAll(async () => {
  s3 = await startS3Server(['backups']);
}, 30_000);
afterAll(async () => {
  await s3?.stop();
});

const nightly = (kinds: Kind[], from: Date): ReturnType<typeof makeRecord>[] =>
  kinds.map((k, i) => makeRecord(new Date(from.getTime() - (kinds.length - i) * 86_400_000).toISOString(), k, i));

describe('backup prune and status on S3', () => {
  it('prune removes objects, logs and entries under the prefix; status reads the same catalog', async () => {
    const target = s3Target({ bucket: 'backups', prefix: 'prod/etcd', env: s3.env });
    const records = nightly(['verified', 'verified', 'failed', 'verified', 'verified'], new Date());
    await store(target, records);
    const url = 's3://backups/prod/etcd';

    const dry = await backupCli(['backup', 'prune', '--keep', 'last=2', '--dry-run', '--target', url], { env: s3.env });
    expect(dry.stdout).toContain('retention last=2 on c-1: kept 2, would remove 3');
    expect((await readCatalog(target)).length).toBe(5);

    const real = await backupCli(['backup', 'prune', '--keep', 'last=2', '--target', url], { env: s3.env });
    expect(real).toMatchObject({ code: 0, stderr: '' });
    expect(real.stdout).toContain('retention last=2 on c-1: kept 2, removed 3');
    expect((await readCatalog(target)).map((r) => r.id)).toEqual([records[3]?.id, records[4]?.id]);
    expect((await target.list('')).length).toBe(2 * 3); // entry, object and log of each kept backup

    const status = await backupCli(['backup', 'status', '--max-age', '26h', '--format', 'json', '--target', url], {
      env: s3.env,
    });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({
      target: url,
      ok: true,
      clusters: [{ backups: { verified: 2 } }],
    });
  });
});
