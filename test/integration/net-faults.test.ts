import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labTableName, memberGid } from '../../src/lab/net-ids.js';
import { runCli } from '../helpers/run-cli.js';
import { sleep, until as untilMs } from '../helpers/until.js';

// Real network faults on a real 3-member lab on 127.0.0.71-73 (never another range: other labs
// run on .11-.69 at the same time). Root and nft are required, as for the faults themselves.
const dir = mkdtempSync(join(tmpdir(), 'talos-dr-net-'));
const IPS = ['127.0.0.71', '127.0.0.72', '127.0.0.73'];
const TABLE = labTableName('127.0.0.71');
const OUTSIDER = '127.0.0.79'; // not a lab address: a server of this test on its :2380
const lab = (...args: string[]) => runCli(['lab', ...args, '--dir', dir], { timeoutMs: 120_000 });

const until = <T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> => untilMs(what, fn, ms);

interface Status {
  member: string;
  leader: string;
  raftIndex: number;
}
/** etcd's Status RPC through the member's own gRPC gateway (what endpoint status reads), or null. */
async function status(ip: string): Promise<Status | null> {
  try {
    const r = await fetch(`http://${ip}:2379/v3/maintenance/status`, {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(3000),
    });
    const j = (await r.json()) as { header?: { member_id?: string }; leader?: string; raftIndex?: string };
    return { member: j.header?.member_id ?? '', leader: j.leader ?? '0', raftIndex: Number(j.raftIndex ?? 0) };
  } catch {
    return null;
  }
}
const statuses = () => Promise.all(IPS.map(status));

async function put(ip: string, key: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const r = await fetch(`http://${ip}:2379/v3/kv/put`, {
      method: 'POST',
      body: JSON.stringify({ key: Buffer.from(key).toString('base64'), value: Buffer.from('v').toString('base64') }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return r.ok && !(await r.text()).includes('"error"');
  } catch {
    return false;
  }
}

/** Index of the leader and of the two followers, as all three members agree. */
async function roles(): Promise<{ leader: number; followers: number[] }> {
  return until('one leader every member agrees on', async () => {
    const st = await statuses();
    const lead = st[0]?.leader;
    if (!lead || lead === '0' || !st.every((s) => s?.leader === lead)) return undefined;
    const leader = st.findIndex((s) => s?.member === lead);
    return leader < 0 ? undefined : { leader, followers: [0, 1, 2].filter((i) => i !== leader) };
  });
}

/** After heal: every member has the leader and the raft indexes meet. */
async function converged(): Promise<void> {
  await until(
    'every member with a leader and equal raft indexes',
    async () => {
      const st = await statuses();
      const ok = st.every(
        (s) => s && s.leader !== '0' && s.leader === st[0]?.leader && s.raftIndex === st[0]?.raftIndex,
      );
      return ok ? true : undefined;
    },
    40_000,
  );
}

const ruleset = async () => String((await execa('nft', ['list', 'ruleset'])).stdout);
const relayPorts = async () =>
  String((await execa('ss', ['-Hltn'])).stdout)
    .split('\n')
    .filter((l) => /127\.0\.0\.7[1-3]:24\d\d\b/.test(l));
const nftChildren = (ppid: number): number[] =>
  readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const st = readFileSync(`/proc/${e}/stat`, 'utf8');
        return st.includes('(nft)') && Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    })
    .map(Number);
const supervisorPid = () => Number(readFileSync(join(dir, 'supervisor.pid'), 'utf8'));
const memberPids = () =>
  [1, 2, 3].map(
    (i) => (JSON.parse(readFileSync(join(dir, 'nodes', `lab-cp-${i}.json`), 'utf8')) as { pid: number }).pid,
  );

/** Nothing of this lab in the kernel or on a port: the ruleset is exactly the one before the lab. */
async function nothingLeft(): Promise<void> {
  await until(
    'the ruleset as before the lab and no relay port',
    async () => {
      const rs = await ruleset();
      return rs === baseline && !rs.includes(TABLE) && (await relayPorts()).length === 0 ? true : undefined;
    },
    10_000,
  );
}

/** Median ms of `n` fresh HTTP round trips to `url` made by a process with group `gid`. */
async function rttMs(gid: number, url: string, n = 7): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await execa('curl', ['-s', '-o', '/dev/null', '-m', '10', '-w', '%{time_total}', url], {
      gid,
      reject: false,
    });
    ts.push(Number(r.stdout) * 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(n / 2)] ?? Number.NaN;
}

let baseline = '';
let outsider: Server;

beforeAll(async () => {
  baseline = await ruleset();
  outsider = createServer((_q, s) => s.end('outsider ok'));
  await new Promise<void>((r) => outsider.listen(2380, OUTSIDER, r));
  const up = await lab('up', '--first-address', '127.0.0.71', '--seed-keys', '20');
  expect(up.stderr).toBe('');
  expect(up.code).toBe(0);
});

afterAll(async () => {
  await lab('down');
  outsider.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('network faults on a real lab', () => {
  it('partition: the member has no leader from its side, the others keep one and take writes; other traffic passes; heal restores', async () => {
    const { followers } = await roles();
    const x = followers[0] ?? 1;
    const r = await lab('inject', 'partition', '--node', String(x + 1));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    await until('the partitioned member without a leader', async () =>
      (await status(IPS[x] ?? ''))?.leader === '0' ? true : undefined,
    );
    const others = IPS.filter((_, i) => i !== x);
    for (const ip of others) expect((await status(ip))?.leader).not.toBe('0');
    expect(await put(others[0] ?? '', '/net/partition/1')).toBe(true);
    // scoping: the same member's group reaching a non-lab address on :2380, and its client port, pass
    const out = await execa('curl', ['-s', '-m', '5', `http://${OUTSIDER}:2380/`], {
      gid: memberGid(IPS[x] ?? ''),
      reject: false,
    });
    expect(out.stdout).toBe('outsider ok');
    expect(await status(IPS[x] ?? '')).not.toBeNull();
    const st = await lab('status');
    expect(st.stdout).toContain(`lab-cp-${x + 1}: partition (peer traffic dropped both ways)`);
    expect((await lab('heal')).code).toBe(0);
    await nothingLeft();
    await converged();
  });

  it('partition-oneway: only what the member sends is dropped; over TCP that leaves it without a leader too', async () => {
    const { followers } = await roles();
    const x = followers[0] ?? 1;
    expect((await lab('inject', 'partition-oneway', '--node', IPS[x] ?? '')).code).toBe(0);
    const listing = String((await execa('nft', ['list', 'table', 'inet', TABLE])).stdout);
    // no rule drops what the peers send to it
    expect(listing).not.toContain(`ip daddr ${IPS[x]}`);
    await until('the member without a leader', async () =>
      (await status(IPS[x] ?? ''))?.leader === '0' ? true : undefined,
    );
    const others = IPS.filter((_, i) => i !== x);
    for (const ip of others) expect((await status(ip))?.leader).not.toBe('0');
    expect(await put(others[0] ?? '', '/net/oneway/1')).toBe(true);
    // what it sent was dropped (counters of the outbound rules), while it still answers clients
    const counted = String((await execa('nft', ['list', 'table', 'inet', TABLE])).stdout);
    const dropped = [...counted.matchAll(/counter packets (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
    expect(dropped).toBeGreaterThan(0);
    expect((await lab('heal')).code).toBe(0);
    await nothingLeft();
    await converged();
  });

  it('latency: the member answers but its raft index falls behind under writes, and its round trip to peers grows by ~ms', async () => {
    const { leader, followers } = await roles();
    const [x = 1, y = 2] = followers;
    const peerUrl = `http://${IPS[leader]}:2380/version`;
    const before = await rttMs(memberGid(IPS[x] ?? ''), peerUrl);
    expect((await lab('inject', 'latency', '--node', String(x + 1), '--ms', '300')).code).toBe(0);
    const after = await rttMs(memberGid(IPS[x] ?? ''), peerUrl);
    const untouched = await rttMs(memberGid(IPS[y] ?? ''), peerUrl);
    console.log(
      `latency 300: RTT ${IPS[x]} -> leader ${before.toFixed(1)} ms before, ${after.toFixed(1)} ms during; ${IPS[y]} -> leader ${untouched.toFixed(1)} ms`,
    );
    expect(after - before).toBeGreaterThan(270);
    expect(after - before).toBeLessThan(700);
    expect(untouched).toBeLessThan(150);
    const lags = await lagsUnderLoad(leader, x, y);
    console.log(
      `latency 300: mean raft index lag behind the leader: delayed ${lags.x.toFixed(1)}, other follower ${lags.y.toFixed(1)} (${lags.samples} samples, ${lags.puts} puts, ${lags.unanswered} unanswered)`,
    );
    expect(lags.unanswered).toBe(0);
    expect(lags.x).toBeGreaterThan(lags.y + 3);
    expect((await lab('heal')).code).toBe(0);
    await nothingLeft();
    await converged();
  });

  it('loss: writes still commit; the lossy member’s packets are dropped and its TCP retransmits', async () => {
    const { leader, followers } = await roles();
    const x = followers[0] ?? 1;
    const retrans0 = await retransmits(memberPids()[x] ?? 0);
    expect((await lab('inject', 'loss', '--node', String(x + 1), '--percent', '30')).code).toBe(0);
    let ok = 0;
    for (let i = 0; i < 40; i++) if (await put(IPS[leader] ?? '', `/net/loss/${i}`)) ok++;
    await sleep(2000);
    const listing = String((await execa('nft', ['list', 'table', 'inet', TABLE])).stdout);
    const dropped = [...listing.matchAll(/counter packets (\d+)/g)].reduce((a, m) => a + Number(m[1]), 0);
    const retrans1 = await retransmits(memberPids()[x] ?? 0);
    console.log(
      `loss 30%: ${ok}/40 puts committed, ${dropped} packets dropped, retransmits of ${IPS[x]}'s sockets ${retrans0} -> ${retrans1}`,
    );
    expect(ok).toBe(40);
    expect(dropped).toBeGreaterThan(0);
    expect(retrans1).toBeGreaterThan(retrans0);
    expect((await lab('heal')).code).toBe(0);
    await nothingLeft();
    await converged();
  });

  it('flap-leader: the leader changes at least twice and each cut is recorded; heal stops it', async () => {
    await roles();
    expect((await lab('inject', 'flap-leader', '--cut', '2s', '--every', '5s')).code).toBe(0);
    const seen: string[] = [];
    const t0 = Date.now();
    while (Date.now() - t0 < 25_000 && seen.length < 3) {
      const st = (await statuses()).find((s) => s && s.leader !== '0' && s.leader === s.member);
      if (st && seen.at(-1) !== st.member) seen.push(st.member);
      await sleep(250);
    }
    const flaps = readFileSync(join(dir, 'net-flaps.jsonl'), 'utf8').trim().split('\n');
    console.log(
      `flap-leader: leaders seen in order ${seen.length} (${seen.length - 1} changes in ${Date.now() - t0} ms); ${flaps.length} flap records`,
    );
    expect(seen.length - 1).toBeGreaterThanOrEqual(2);
    expect(flaps.filter((l) => l.includes('"cut"')).length).toBeGreaterThanOrEqual(2);
    expect((await lab('status')).stdout).toContain('recent flaps:');
    expect((await lab('heal')).code).toBe(0);
    await nothingLeft();
    await converged();
  });

  it('bad flags are refused naming the flag, before anything changes', async () => {
    const r = await lab('inject', 'loss', '--node', '2', '--percent', '0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--percent "0"');
    const m = await lab('inject', 'latency', '--node', '2');
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('--ms');
    expect(m.stderr).not.toMatch(/\n\s+at /);
    expect(await ruleset()).toBe(baseline);
  });
});

describe('no rule outlives the lab', () => {
  it('lab down removes the rules', async () => {
    expect((await lab('inject', 'latency', '--node', '2', '--ms', '100')).code).toBe(0);
    expect(await ruleset()).toContain(TABLE);
    expect((await relayPorts()).length).toBe(3);
    expect((await lab('down')).code).toBe(0);
    await nothingLeft();
  });

  it('a SIGKILL of the supervisor alone removes them (the kernel drops the owner’s table)', async () => {
    expect((await lab('up', '--first-address', '127.0.0.71', '--seed-keys', '0')).code).toBe(0);
    expect((await lab('inject', 'latency', '--node', '3', '--ms', '100')).code).toBe(0);
    const sup = supervisorPid();
    expect(nftChildren(sup)).toHaveLength(1);
    process.kill(sup, 'SIGKILL');
    await nothingLeft();
    expect((await lab('status')).stdout).toContain('network faults (NOT in force: the supervisor is not running):');
    expect((await lab('down')).code).toBe(0);
  });

  it('a SIGKILL of every lab process at once (supervisor, members, nft) removes them', async () => {
    expect((await lab('up', '--first-address', '127.0.0.71', '--seed-keys', '0')).code).toBe(0);
    expect((await lab('inject', 'partition', '--node', '1')).code).toBe(0);
    const sup = supervisorPid();
    const all = [sup, ...nftChildren(sup), ...memberPids()];
    expect(all).toHaveLength(5);
    for (const pid of all) process.kill(pid, 'SIGKILL');
    await nothingLeft();
    expect((await lab('down')).code).toBe(0);
    // a fresh lab afterwards starts without any fault
    expect((await lab('up', '--first-address', '127.0.0.71', '--seed-keys', '0')).code).toBe(0);
    expect((await lab('status')).stdout).not.toContain('network faults');
  });
});

/** Writes to the leader with 4 writers for ~6 s; samples every member's raft index at once. */
async function lagsUnderLoad(leader: number, x: number, y: number) {
  let stop = false;
  let puts = 0;
  const writer = async () => {
    while (!stop) if (await put(IPS[leader] ?? '', `/net/load/${puts++ % 64}`)) continue;
  };
  const writers = [writer(), writer(), writer(), writer()];
  const lag = { x: 0, y: 0, samples: 0, unanswered: 0 };
  await sleep(500);
  for (let i = 0; i < 20; i++) {
    const st = await statuses();
    const [l, sx, sy] = [st[leader], st[x], st[y]];
    if (!l || !sx || !sy) lag.unanswered++;
    else {
      lag.x += Math.max(0, l.raftIndex - sx.raftIndex);
      lag.y += Math.max(0, l.raftIndex - sy.raftIndex);
      lag.samples++;
    }
    await sleep(250);
  }
  stop = true;
  await Promise.all(writers);
  return {
    x: lag.x / Math.max(1, lag.samples),
    y: lag.y / Math.max(1, lag.samples),
    samples: lag.samples,
    puts,
    unanswered: lag.unanswered,
  };
}

/** TCP retransmissions (ss -ti `retrans:a/b`, b = total) of a process's sockets. */
async function retransmits(pid: number): Promise<number> {
  const out = String((await execa('ss', ['-Htinp'])).stdout);
  let total = 0;
  const lines = out.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!(lines[i] ?? '').includes(`pid=${pid},`)) continue;
    const info = `${lines[i]} ${lines[i + 1] ?? ''}`;
    total += Number(/retrans:\d+\/(\d+)/.exec(info)?.[1] ?? 0);
  }
  return total;
}
