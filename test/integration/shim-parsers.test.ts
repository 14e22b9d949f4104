import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  classifyError,
  parseAlarms,
  parseLogs,
  parseMembers,
  parseNoOutput,
  parseRecovery,
  parseService,
  parseSnapshot,
  parseStatus,
} from '../../src/talos/parse/index.js';
import { runCli, TALOSCTL_LAB } from '../helpers/run-cli.js';

// Parser agreement: every talosctl-lab command the runbooks use, against a real 3-member lab,
// parsed by the adapter's parsers and compared with what etcd itself says (etcdctl, asked directly).
const dir = mkdtempSync(join(tmpdir(), 'talos-dr-shim-parsers-'));
const env = { TALOS_DR_LAB_DIR: dir };
const NODES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'] as const;
const [N1, N2, N3] = NODES;

async function tl(...args: string[]) {
  const r = await execa(TALOSCTL_LAB, args, { reject: false, env, stdin: 'ignore', timeout: 90_000 });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
const lab = (...args: string[]) => runCli(['lab', ...args], { env, timeoutMs: 120_000 });
const hex = (id: string | number | bigint): string => BigInt(id).toString(16).padStart(16, '0');

/** etcd's own view, asked with etcdctl (JSON ids are decimal), never through the shim. */
async function ctl<T>(ip: string, ...args: string[]): Promise<T> {
  const r = await execa(
    'etcdctl',
    ['--endpoints', `http://${ip}:2379`, '--command-timeout=5s', '-w', 'json', ...args],
    {
      env: { ETCDCTL_API: '3' },
      reject: false,
    },
  );
  if (r.exitCode !== 0) throw new Error(`etcdctl ${args.join(' ')} on ${ip}: ${r.stderr}`);
  // etcdctl prints 64-bit ids as JSON numbers: keep their digits
  return JSON.parse(String(r.stdout).replace(/"(ID|member_id|leader|cluster_id|memberID)":(\d+)/g, '"$1":"$2"')) as T;
}
interface CtlStatus {
  Status: { header: { member_id: string }; leader: string; raftIndex: number };
}
async function truthMembers(ip: string) {
  const r = await ctl<{ members: Array<{ ID: string; name: string; isLearner?: boolean }> }>(ip, 'member', 'list');
  return r.members.map((m) => ({ id: hex(m.ID), name: m.name, learner: m.isLearner === true }));
}
async function truthStatus(ip: string) {
  const s = (await ctl<CtlStatus[]>(ip, 'endpoint', 'status'))[0]?.Status;
  if (!s) throw new Error(`no endpoint status from ${ip}`);
  return { member: hex(s.header.member_id), leader: hex(s.leader), raftIndex: s.raftIndex };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}
function ok<T>(r: { ok: true; value: T } | { ok: false; error: { message: string; raw: string } }): T {
  if (!r.ok) throw new Error(`parse failed: ${r.error.message}\n${r.error.raw}`);
  return r.value;
}

beforeAll(async () => {
  const r = await lab('up', '--seed-keys', '20');
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await lab('down');
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('talosctl-lab output, parsed by the adapter, agrees with etcd', () => {
  it('etcd members: every node lists the same ids, names and learner flags as etcdctl', async () => {
    const truth = await truthMembers(N1);
    for (const n of NODES) {
      const r = await tl('-n', n, 'etcd', 'members');
      expect(r.code).toBe(0);
      const rows = ok(parseMembers(r.stdout));
      expect(rows.map((m) => m.node)).toEqual(truth.map(() => n));
      expect(
        rows.map((m) => ({ id: m.id, name: m.name, learner: m.learner })).sort((a, b) => a.id.localeCompare(b.id)),
      ).toEqual([...truth].sort((a, b) => a.id.localeCompare(b.id)));
      for (const m of rows) expect(m.peerUrls.length).toBe(1);
    }
  });

  it('etcd status: member, leader and learner of each row match etcd; no alarms listed', async () => {
    const r = await tl('-n', NODES.join(','), 'etcd', 'status');
    expect(r.code).toBe(0);
    const rows = ok(parseStatus(r.stdout));
    expect(rows.map((x) => x.node).sort()).toEqual([...NODES]);
    for (const row of rows) {
      const t = await truthStatus(row.node);
      expect(row.member).toBe(t.member);
      expect(row.leader).toBe(t.leader);
      expect(row.learner).toBe(false);
      expect(row.errors).toEqual([]);
      expect(row.raftIndex).toBeGreaterThan(0);
      expect(row.inUseBytes).toBeLessThanOrEqual(row.dbSizeBytes * 1.05);
    }
    const alarms = await tl('-n', N1, 'etcd', 'alarm', 'list');
    expect(alarms).toMatchObject({ code: 0, stdout: '' });
    expect(ok(parseAlarms(alarms.stdout))).toEqual([]);
  });

  it('service etcd and logs etcd parse, per node', async () => {
    const svc = await tl('-n', NODES.join(','), 'service', 'etcd');
    expect(svc.code).toBe(0);
    const blocks = ok(parseService(svc.stdout));
    expect(blocks.map((b) => [b.node, b.id, b.state, b.health]).sort()).toEqual(
      NODES.map((n) => [n, 'etcd', 'Running', 'OK']),
    );
    const logs = await tl('-n', N2, 'logs', 'etcd', '--tail', '5');
    expect(logs.code).toBe(0);
    const lines = ok(parseLogs(logs.stdout, N2));
    expect(lines).toHaveLength(5);
    for (const l of lines) expect(JSON.parse(l.text)).toHaveProperty('level');
  });

  it('etcd snapshot: path, bytes, hash, revision and keys match the file and etcdctl snapshot status', async () => {
    const path = join(dir, 'agree.snapshot');
    const r = await tl('-n', N1, 'etcd', 'snapshot', path);
    expect(r.code, r.stderr).toBe(0);
    const info = ok(parseSnapshot(r.stdout, r.code));
    const bytes = statSync(path).size;
    expect(info).toMatchObject({ path, bytes, trusted: true });
    expect(bytes % 512).toBe(32);
    const st = await execa('etcdctl', ['snapshot', 'status', path, '-w', 'json'], { env: { ETCDCTL_API: '3' } });
    const truth = JSON.parse(String(st.stdout)) as {
      hash: number;
      revision: number;
      totalKey: number;
      totalSize: number;
    };
    expect(info.hash).toBe(truth.hash.toString(16).padStart(8, '0'));
    expect([info.revision, info.totalKeys, info.totalSize]).toEqual([truth.revision, truth.totalKey, truth.totalSize]);
  });

  it('classifies the errors of the commands the runbooks run', async () => {
    const two = await tl('-n', `${N1},${N2}`, 'etcd', 'defrag');
    expect(two.code).toBe(1);
    expect(classifyError(two.stderr).kind).toBe('single-node-only');
    const gone = await tl('-n', N1, 'etcd', 'remove-member', 'abcdef0123456789');
    expect(gone.code).toBe(1);
    const e = classifyError(gone.stderr);
    expect([e.kind, e.code, e.memberId]).toEqual(['member-not-found', 'NotFound', 'abcdef0123456789']);
    const boot = await tl('-n', N1, 'bootstrap');
    expect(boot.code).toBe(1);
    expect(classifyError(boot.stderr).kind).toBe('already-bootstrapped');
  });

  it('NOSPACE: alarm list and status errors name it; defrag, forfeit-leadership and disarm agree', async () => {
    const inj = await lab('inject', 'nospace');
    expect(inj.code, inj.stderr).toBe(0);
    const ids = new Set((await truthMembers(N1)).map((m) => m.id));
    const list = await tl('-n', N1, 'etcd', 'alarm', 'list');
    const alarms = ok(parseAlarms(list.stdout));
    expect(alarms.length).toBeGreaterThan(0);
    for (const a of alarms) {
      expect(a).toMatchObject({ node: N1, kind: 'NOSPACE' });
      expect(ids.has(a.member)).toBe(true);
    }
    const st = ok(parseStatus((await tl('-n', N2, 'etcd', 'status')).stdout));
    expect(st[0]?.errors.join(' ')).toMatch(/NOSPACE/);

    const leader = (await truthStatus(N1)).leader;
    const leaderNode = await until('leader node', async () => {
      for (const n of NODES) if ((await truthStatus(n)).member === leader) return n;
      return undefined;
    });
    for (const n of NODES) {
      const d = await tl('-n', n, 'etcd', 'defrag');
      expect(d.code, d.stderr).toBe(0);
      expect(ok(parseNoOutput(d.stdout))).toBeNull();
    }
    const f = await tl('-n', leaderNode, 'etcd', 'forfeit-leadership');
    expect(f.code, f.stderr).toBe(0);
    expect(ok(parseNoOutput(f.stdout))).toBeNull();
    await until('a new leader', async () => ((await truthStatus(N1)).leader !== leader ? true : undefined));

    const dis = await tl('-n', N1, 'etcd', 'alarm', 'disarm');
    expect(dis.code, dis.stderr).toBe(0);
    expect(ok(parseAlarms(dis.stdout)).map((a) => a.kind)).toContain('NOSPACE');
    expect(ok(parseAlarms((await tl('-n', N1, 'etcd', 'alarm', 'list')).stdout))).toEqual([]);
  });

  it('after a wipe: every node Preparing, bootstrap --recover-from prints the snapshot facts, others rejoin as learners', async () => {
    const path = join(dir, 'restore.snapshot');
    const snap = await tl('-n', N1, 'etcd', 'snapshot', path);
    const info = ok(parseSnapshot(snap.stdout, snap.code));
    // wipe every node at once: a node wiped while the others still serve would rightly rejoin them
    // (as Talos does), which is not the disaster this test restores from
    const resets = await Promise.all(
      NODES.map((n) => tl('-n', n, 'reset', '--graceful=false', '--reboot', '--system-labels-to-wipe', 'EPHEMERAL')),
    );
    for (const r of resets) {
      expect(r.code, r.stderr).toBe(0);
      expect(ok(parseNoOutput(r.stdout))).toBeNull();
    }
    const svc = ok(parseService((await tl('-n', NODES.join(','), 'service', 'etcd')).stdout));
    expect(svc.map((s) => [s.node, s.state, s.health]).sort()).toEqual(NODES.map((n) => [n, 'Preparing', '?']));

    const boot = await tl('-n', N1, 'bootstrap', '--recover-from', path);
    expect(boot.code, boot.stderr).toBe(0);
    const rec = ok(parseRecovery(boot.stdout));
    expect(rec).toEqual({
      path,
      hash: info.hash,
      revision: info.revision,
      totalKeys: info.totalKeys,
      totalSize: info.totalSize,
    });

    let sawLearner = false;
    const voters = await until(
      'three voters after the restore',
      async () => {
        const r = await tl('-n', N1, 'etcd', 'members');
        if (r.code !== 0) return undefined;
        const rows = ok(parseMembers(r.stdout));
        const truth = await truthMembers(N1);
        // the parse agrees with etcd on every poll, learners included
        expect(rows.map((m) => [m.id, m.learner]).sort()).toEqual(truth.map((m) => [m.id, m.learner]).sort());
        if (rows.some((m) => m.learner)) sawLearner = true;
        return rows.length === 3 && rows.every((m) => !m.learner && m.name !== '') ? rows : undefined;
      },
      120_000,
    );
    expect(voters).toHaveLength(3);
    expect(sawLearner).toBe(true);
  });

  it('etcd leave prints nothing and removes the member etcd knows', async () => {
    // a member that just joined may need one publish timeout (7 s) before it serves clients
    const own = (await until('127.0.0.13 to answer endpoint status', () => truthStatus(N3), 30_000)).member;
    const r = await tl('-n', N3, 'etcd', 'leave');
    expect(r.code, r.stderr).toBe(0);
    expect(ok(parseNoOutput(r.stdout))).toBeNull();
    expect((await truthMembers(N1)).map((m) => m.id)).not.toContain(own);
    const svc = ok(parseService((await tl('-n', N3, 'service', 'etcd')).stdout));
    expect(svc[0]?.state).toBe('Finished');
    const logs = await tl('-n', N1, 'logs', 'etcd', '--tail', '2');
    expect(ok(parseLogs(logs.stdout, N1))).toHaveLength(2);
  });
});
