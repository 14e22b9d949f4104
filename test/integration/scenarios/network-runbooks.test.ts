import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, TALOSCTL_LAB } from '../../helpers/run-cli.js';

/**
 * The destructive runbooks meet a real network partition on the lab: a follower's peer traffic
 * is dropped both ways (nftables), so it runs, answers talosctl and knows no leader while the
 * majority carries on. Each runbook must refuse to act — on the whole cluster's view and on the
 * minority's view alone — say why (cut off, a partition), and send no mutating talosctl call.
 */

const work = mkdtempSync(join(tmpdir(), 'talos-dr-netrb-'));
const dir = join(work, 'lab');
const IPS = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
const env = { TALOS_DR_LAB_DIR: dir };
const lab = (...args: string[]) => runCli(['lab', ...args, '--dir', dir], { timeoutMs: 120_000 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function leaderOf(ip: string): Promise<string | null> {
  try {
    const r = await fetch(`http://${ip}:2379/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(3000),
    });
    const j = (await r.json()) as { leader?: string; header?: { member_id?: string } };
    return j.leader ?? '0';
  } catch {
    return null;
  }
}

let cut = '';
let snapshot = '';

/** Every argv the run sent to talosctl, from its log. */
function argvsOf(log: string): string[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { type: string; payload: { argv?: string[] } })
    .filter((x) => x.type === 'command-result')
    .map((x) => (x.payload.argv ?? []).join(' '));
}

const MUTATING = /^(etcd (leave|remove-member|forfeit-leadership|defrag|alarm disarm)|reset|bootstrap|reboot)/;

async function run(name: string, runbook: string, params: string[]) {
  const log = join(work, `${name}.jsonl`);
  const r = await runCli(
    ['run', runbook, ...params.flatMap((p) => ['--param', p]), '--talosctl', TALOSCTL_LAB, '--log', log],
    { timeoutMs: 180_000, env },
  );
  return { ...r, log, argvs: argvsOf(log), text: `${r.stdout}\n${r.stderr}\n${readFileSync(log, 'utf8')}` };
}

beforeAll(async () => {
  const up = await lab('up', '--members', '3', '--seed-keys', '50');
  expect(up.code, up.stderr).toBe(0);
  snapshot = join(work, 'good.snapshot');
  const s = await runCli(
    [
      'run',
      'backup-snapshot',
      '--param',
      `nodes=${IPS.join(',')}`,
      '--param',
      `path=${snapshot}`,
      '--talosctl',
      TALOSCTL_LAB,
      '--log',
      join(work, 'backup.jsonl'),
    ],
    { timeoutMs: 120_000, env },
  );
  expect(s.code, s.stderr).toBe(0);
  // partition one member (leader or not: a cut-off leader steps down, the majority elects another);
  // it runs, answers talosctl and knows no leader once its election timeout passes
  cut = IPS[2] as string;
  const inj = await lab('inject', 'partition', '--node', cut);
  expect(inj.code, inj.stderr).toBe(0);
  const deadline = Date.now() + 30_000;
  while ((await leaderOf(cut)) !== '0') {
    if (Date.now() > deadline) throw new Error(`${cut} still names a leader 30 s into the partition`);
    await sleep(250);
  }
}, 240_000);

afterAll(async () => {
  await lab('down');
});

describe('a partitioned minority: the destructive runbooks refuse, saying why', () => {
  it('restore-from-snapshot on every node: quorum holds; the cut-off member is named as partitioned', async () => {
    const r = await run('restore-all', 'restore-from-snapshot', [`nodes=${IPS.join(',')}`, `snapshot=${snapshot}`]);
    expect(r.code).toBe(4);
    expect(r.text).toMatch(
      /quorum holds: 2 of 3 voters follow leader [0-9a-f]{16} on 127\.0\.0\.1[123]; member [0-9a-f]{16} on 127\.0\.0\.13 knows no leader: cut off from the majority \(a network partition on its side\), not lost/,
    );
    expect(r.argvs.filter((a) => MUTATING.test(a))).toEqual([]);
  });

  it('restore-from-snapshot on the minority alone: cannot tell, nothing wiped', async () => {
    const r = await run('restore-minority', 'restore-from-snapshot', [`nodes=${cut}`, `snapshot=${snapshot}`]);
    expect(r.code).toBe(4);
    expect(r.text).toMatch(/cannot tell/);
    expect(r.argvs.filter((a) => MUTATING.test(a))).toEqual([]);
  });

  it('replace-lost-member: no member is lost, the partitioned one is named as cut off', async () => {
    const r = await run('replace', 'replace-lost-member', [
      `nodes=${IPS.join(',')}`,
      `snapshot=${join(work, 'r.snapshot')}`,
    ]);
    expect(r.code).not.toBe(0);
    expect(r.text).toMatch(
      /no member is lost; member [0-9a-f]{16} on 127\.0\.0\.13 knows no leader while 2 members follow leader/,
    );
    expect(r.argvs.filter((a) => MUTATING.test(a))).toEqual([]);
  });

  it('member-not-syncing: the cut-off member is not resynced (a rejoin cannot help while it is cut off)', async () => {
    const r = await run('resync', 'member-not-syncing', [`nodes=${IPS.join(',')}`]);
    expect(r.code).toBe(4);
    expect(r.text).toMatch(/cut off from the majority \(a network partition on its side\); fix the network first/);
    expect(r.argvs.filter((a) => MUTATING.test(a))).toEqual([]);
  });

  it('every member cut off from every other: no leader anywhere, yet restore refuses (the data is alive)', async () => {
    // counted as lost, three leaderless members used to make quorum-lost pass: a restore over live data
    for (const ip of IPS.filter((x) => x !== cut)) {
      const inj = await lab('inject', 'partition', '--node', ip);
      expect(inj.code, inj.stderr).toBe(0);
    }
    const deadline = Date.now() + 30_000;
    while (!(await Promise.all(IPS.map(leaderOf))).every((l) => l === '0')) {
      if (Date.now() > deadline) throw new Error('a member still names a leader 30 s into the partitions');
      await sleep(250);
    }
    const r = await run('restore-split', 'restore-from-snapshot', [`nodes=${IPS.join(',')}`, `snapshot=${snapshot}`]);
    expect(r.code).toBe(4);
    expect(r.text).toMatch(
      /quorum is not lost for good: .*a network partition between the members, or an election still under way/,
    );
    expect(r.text).not.toMatch(/"step":"confirm-permanent-loss"/);
    expect(r.argvs.filter((a) => MUTATING.test(a))).toEqual([]);
  });

  it('after heal the member has its leader back and nothing was changed', async () => {
    const h = await lab('heal');
    expect(h.code, h.stderr).toBe(0);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ls = await Promise.all(IPS.map(leaderOf));
      if (ls.every((l) => l !== null && l !== '0' && l === ls[0])) break;
      if (Date.now() > deadline) throw new Error(`no common leader after heal: ${ls.join(', ')}`);
      await sleep(250);
    }
    const sum = await lab('checksum');
    expect(sum.code).toBe(0);
  });
});
