import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupTarget } from '../../src/backup/record.js';
import { s3ClientConfig, s3Target } from '../../src/backup/s3-target.js';
import { openTarget, parseTargetUrl } from '../../src/backup/target-url.js';
import { type LoopbackS3, startS3Server } from '../helpers/s3-server.js';
import { targetContract } from './target-contract.js';

let s3: LoopbackS3;
let n = 0;

beforeAll(async () => {
  s3 = await startS3Server(['backups', 'other']);
}, 30_000);
afterAll(async () => {
  await s3?.stop();
});

/** A fresh prefix per test in the one bucket: the tests do not see each other's objects. */
const fresh = (): BackupTarget => s3Target({ bucket: 'backups', prefix: `t${n++}/etcd`, env: s3.env });

describe('S3 target (s3rver on loopback, the real AWS SDK)', () => {
  targetContract(async () => fresh());

  it('uploads an object over one part in several parts, under the prefix only', async () => {
    const t = s3Target({ bucket: 'other', prefix: 'p', env: s3.env });
    const { Readable } = await import('node:stream');
    const big = Buffer.alloc(17 * 1024 * 1024, 1);
    const r = await t.put('c/big.db.gz', Readable.from([big]));
    expect(r.bytes).toBe(big.length);
    // three 8 MiB parts, seen by the server, and one object listed
    const parts = s3.requests().filter((r) => r.startsWith('PUT /other/p/c/big.db.gz?') && r.includes('partNumber='));
    expect(parts).toHaveLength(3);
    expect(s3.requests().some((r) => r.startsWith('POST /other/p/c/big.db.gz?uploadId='))).toBe(true);
    const client = new S3Client(s3ClientConfig(s3.env));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'other' }));
    expect(listed.Contents?.map((c) => [c.Key, c.Size])).toEqual([['p/c/big.db.gz', big.length]]);
  });

  it('opens an s3:// URL as a target and names a missing bucket', async () => {
    const t = await openTarget(parseTargetUrl('s3://no-such-bucket/x', { cwd: '/', flag: '--target' }), s3.env);
    await expect(t.list('')).rejects.toThrow(
      /backup target s3:\/\/no-such-bucket\/x: cannot list \(all\): NoSuchBucket/,
    );
    await expect(t.get('a/b.json')).rejects.toMatchObject({ code: 'TDR_BACKUP_TARGET_IO' });
  });
});
