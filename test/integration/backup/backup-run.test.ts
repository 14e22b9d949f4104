import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDir } from '../../../src/backup/catalog.js';
import { s3Target } from '../../../src/backup/s3-target.js';
import { acquireLock } from '../../../src/engine/lock.js';
import { labClusterId } from '../../../src/lab/shim-get.js';
import { runCli, TALOSCTL_LAB } from '../../helpers/run-cli.js';
import { type LoopbackS3, startS3Server } from '../../helpers/s3-server.js';

// `backup run` end to end on a real 3-member lab on 127.0.0.31–33 (its own range and dir, so it
// runs beside the default lab on .11–13), to a directory and to the loopback S3 server, then
// `backup list` and `backup verify`.
const dir = mkdtempSync(join(tmpdir(), 'talos-dr-backup-lab-'));
const labDir = join(dir, 'lab');
const NODES = '127.0.0.31,127.0.0.32,127.0.0.33';
const clusterId = labClusterId(labDir);
let s3: LoopbackS3;
let env: Record<string, string>;
const cli = (args: string[]) => runCli(args, { env, timeoutMs: 120_000 });
const conn = ['--talosctl', TALOSCTL_LAB, '--param', `nodes=${NODES}`];
const SUMMARY =
  /^backup (\d{8}T\d{6}Z-[0-9a-f]{12}) ok: [\d.]+ kB → [\d.]+ kB (gzip|gzip\+age), revision \d+, \d+ keys, (\S+)$/;

beforeAll(async () => {
  s3 = await startS3Server(['backups']);
  env = { TALOS_DR_LAB_DIR: labDir, TALOS_DR_LOCK_DIR: join(dir, 'locks'), ...s3.env };
  const up = await runCli(['lab', 'up', '--first-address', '127.0.0.31', '--dir', labDir], { env, timeoutMs: 120_000 });
  expect(up.code, up.stderr).toBe(0);
  await execa('age-keygen', ['-o', join(dir, 'key.txt')]);
}, 180_000);
afterAll(async () => {
  await runCli(['lab', 'down', '--dir', labDir], { env, timeoutMs: 120_000 });
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('backup run on the lab', () => {
  it('to a directory: one summary line, then list and verify latest', async () => {
    const target = join(dir, 'store');
    const r = await cli(['backup', 'run', ...conn, '--target', target]);
    expect(r.code, r.stderr).toBe(0);
    const m = SUMMARY.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(m?.[3]).toBe(`${target}/${clusterDir(clusterId)}/${m?.[1]}.db.gz`);
    const list = await cli(['backup', 'list', '--target', target]);
    expect(list.stdout).toMatch(new RegExp(`^${m?.[1]}\\s+\\S+\\s+ok\\s+yes `, 'm'));
    const v = await cli(['backup', 'verify', 'latest', '--target', target]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(
      /verified: ok: sha256 of the stored object, decryption \(not encrypted\), gzip, snapshot trailer, revision \d+, \d+ keys/,
    );
  });

  it('to S3, encrypted: verify with the identity; a truncated object is named and exits 1', async () => {
    const { stdout: recipient } = await execa('age-keygen', ['-y', join(dir, 'key.txt')]);
    const r = await cli([
      'backup',
      'run',
      ...conn,
      '--target',
      's3://backups/etcd',
      '--encrypt-to',
      recipient.trim(),
      '--identity',
      join(dir, 'key.txt'),
    ]);
    expect(r.code, r.stderr).toBe(0);
    const m = SUMMARY.exec(r.stdout);
    expect(m?.[2]).toBe('gzip+age');
    expect(m?.[3]).toBe(`s3://backups/etcd/${clusterDir(clusterId)}/${m?.[1]}.db.gz.age`);
    expect(r.stderr).toContain('verified: ok: sha256 of the stored object, decryption, gzip');
    const list = JSON.parse((await cli(['backup', 'list', '--json', '--target', 's3://backups/etcd'])).stdout) as {
      backups: Array<{ id: string; object: { key: string; bytes: number }; source: { etcdVersion: string } }>;
    };
    expect(list.backups.map((b) => b.id)).toEqual([m?.[1]]);
    expect(list.backups[0]?.source.etcdVersion).toMatch(/^3\.4\./);
    const noKey = await cli(['backup', 'verify', '--target', 's3://backups/etcd']);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('is encrypted (to age1');
    // truncate the stored object behind the catalog's back
    const t = s3Target({ bucket: 'backups', prefix: 'etcd', env: s3.env });
    const key = list.backups[0]?.object.key ?? '';
    const chunks: Buffer[] = [];
    for await (const c of await t.get(key)) chunks.push(c as Buffer);
    const whole = Buffer.concat(chunks);
    await t.put(key, Readable.from([whole.subarray(0, whole.length - 1)]));
    const v = await cli([
      'backup',
      'verify',
      m?.[1] ?? '',
      '--target',
      's3://backups/etcd',
      '--identity',
      join(dir, 'key.txt'),
    ]);
    expect(v.code).toBe(1);
    expect(v.stdout).toBe(
      `backup ${m?.[1]} FAILED verify: truncated: the stored object is ${whole.length - 1} bytes, the catalog says ${whole.length}`,
    );
    const after = await cli(['backup', 'list', '--target', 's3://backups/etcd']);
    expect(after.stdout).toMatch(/ok\s+FAILED \d{4}-/);
  });

  it('a run that fails writes a failed entry (no object); a held backup lock exits 5', async () => {
    const target = join(dir, 'store-failed');
    const r = await cli([
      'backup',
      'run',
      '--talosctl',
      TALOSCTL_LAB,
      '--param',
      'nodes=127.0.0.39',
      '--cluster',
      'lab',
      '--target',
      target,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toMatch(/^backup \d{8}T\d{6}Z-[0-9a-f]{12} FAILED: the backup-snapshot run ended /);
    const list = JSON.parse((await cli(['backup', 'list', '--json', '--target', target])).stdout) as {
      backups: Array<{ result: string; object?: unknown; log?: string }>;
    };
    expect(list.backups).toHaveLength(1);
    expect(list.backups[0]).toMatchObject({ result: 'failed' });
    expect(list.backups[0]?.object).toBeUndefined();
    const lock = acquireLock({
      dir: env.TALOS_DR_LOCK_DIR,
      key: `backup:${join(dir, 'store')}|${clusterId}`,
      operator: 'test',
      runbook: 'a backup run',
    });
    try {
      const held = await cli(['backup', 'run', ...conn, '--target', join(dir, 'store')]);
      expect(held.code).toBe(5);
      expect(held.stderr).toContain('another run holds the cluster lock: operator test');
      expect(held.stdout).toBe('');
    } finally {
      lock.release();
    }
  });
});
