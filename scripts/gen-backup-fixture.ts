// Regenerates fixtures/backup/: a real etcd snapshot (etcd 3.4 from Debian) and what
// `etcdctl snapshot status -w json` says of it, for the backup tests that need a snapshot etcd
// itself wrote without starting etcd each time. Starts ONE etcd member on 127.0.0.61 (client
// :2379, peer :2380) in a temp data dir, puts 200 keys, saves a snapshot, stops it.
// Run: npx tsx scripts/gen-backup-fixture.ts
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';

const IP = '127.0.0.61';
const client = `http://${IP}:2379`;
const peer = `http://${IP}:2380`;
const out = new URL('../fixtures/backup/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tdr-etcd-fixture-'));
const etcd = spawn(
  'etcd',
  [
    '--name',
    'fixture',
    '--data-dir',
    join(dir, 'data'),
    '--listen-client-urls',
    client,
    '--advertise-client-urls',
    client,
    '--listen-peer-urls',
    peer,
    '--initial-advertise-peer-urls',
    peer,
    '--initial-cluster',
    `fixture=${peer}`,
  ],
  { stdio: 'ignore' },
);
const ctl = (args: string[], input?: string) =>
  execa('etcdctl', ['--endpoints', client, ...args], {
    env: { ETCDCTL_API: '3' },
    ...(input === undefined ? {} : { input }),
  });
try {
  for (let i = 0; ; i++) {
    const r = await ctl(['endpoint', 'health']).catch(() => undefined);
    if (r?.exitCode === 0) break;
    if (i > 100) throw new Error('etcd did not start');
    await sleep(100);
  }
  for (let i = 0; i < 200; i++) await ctl(['put', `/registry/fixture/key-${String(i).padStart(3, '0')}`, `value ${i}`]);
  await ctl(['put', '/registry/fixture/key-000', 'value 0, rewritten']);
  const snap = join(dir, 'snapshot.db');
  await ctl(['snapshot', 'save', snap]);
  const status = await execa('etcdctl', ['snapshot', 'status', snap, '-w', 'json'], { env: { ETCDCTL_API: '3' } });
  mkdirSync(out, { recursive: true });
  copyFileSync(snap, join(out, 'etcd-3.4-snapshot.db'));
  writeFileSync(join(out, 'etcd-3.4-snapshot.status.json'), `${status.stdout.trim()}\n`);
  process.stdout.write(`wrote ${out}etcd-3.4-snapshot.db: ${status.stdout}\n`);
} finally {
  etcd.kill('SIGTERM');
  await new Promise((r) => etcd.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
}
