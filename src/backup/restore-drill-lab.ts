import { readdirSync, readFileSync } from 'node:fs';
import { clientUrl, endpointStatus, etcdctl, parseEtcdJson, parseMemberList } from '../lab/etcdctl.js';
import type { LabState } from '../lab/state.js';
import { runShim } from '../lab/talosctl-shim.js';

/**
 * The restore of a backup into a lab, step for step as Talos's documented recovery does it,
 * through the lab's talosctl shim (in-process, argv arrays): reset every node with EPHEMERAL
 * wiped, wait until every etcd service is Preparing, `bootstrap --recover-from` on the first, wait
 * until every member runs as a voter under one leader (the lab's supervisor joins the others as
 * learners and promotes them, as Talos does).
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One talosctl-lab call against this lab: exit code and output. */
export async function talosctlLab(
  dir: string,
  argv: readonly string[],
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runShim(argv, { TALOS_DR_LAB_DIR: dir }, dir, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

/** STATE of `service etcd` per node, from talosctl's block output. */
export function serviceStates(out: string): Map<string, string> {
  const states = new Map<string, string>();
  let node = '';
  for (const line of out.split('\n')) {
    const n = /^NODE\s+(\S+)/.exec(line);
    if (n?.[1]) node = n[1];
    const s = /^STATE\s+(\S+)/.exec(line);
    if (s?.[1] && node !== '') states.set(node, s[1]);
  }
  return states;
}

/** Resets every node and waits until all are Preparing; then bootstraps the first from `snapshot`. */
export async function resetAndRecover(
  dir: string,
  lab: LabState,
  snapshot: string,
  deadline: number,
): Promise<{ ok: true; said: string } | { ok: false; detail: string }> {
  const ips = lab.nodes.map((n) => n.ip);
  const reset = await talosctlLab(dir, [
    '--nodes',
    ips.join(','),
    'reset',
    '--graceful=false',
    '--reboot',
    '--system-labels-to-wipe',
    'EPHEMERAL',
  ]);
  if (reset.code !== 0) return { ok: false, detail: `reset failed: ${reset.err.trim()}` };
  for (;;) {
    const s = await talosctlLab(dir, ['--nodes', ips.join(','), 'service', 'etcd']);
    const states = serviceStates(s.out);
    if (ips.every((ip) => states.get(ip) === 'Preparing')) break;
    if (Date.now() > deadline)
      return { ok: false, detail: `not every etcd service reached Preparing: ${[...states].join(', ')}` };
    await sleep(200);
  }
  const first = ips[0] ?? '';
  const b = await talosctlLab(dir, ['--nodes', first, 'bootstrap', '--recover-from', snapshot]);
  if (b.code !== 0) return { ok: false, detail: `bootstrap --recover-from failed: ${b.err.trim()}` };
  return { ok: true, said: b.out.trim() };
}

export interface ClusterUp {
  readonly ok: boolean;
  readonly detail: string;
}

/** Waits until every member is started, a voter, and all agree on one leader (or the deadline). */
export async function waitRestored(dir: string, lab: LabState, deadline: number): Promise<ClusterUp> {
  const ips = lab.nodes.map((n) => n.ip);
  const first = ips[0] ?? '';
  let last = 'no answer yet';
  for (;;) {
    const svc = serviceStates((await talosctlLab(dir, ['--nodes', first, 'service', 'etcd'])).out);
    if (svc.get(first) === 'Failed') {
      const ev = await talosctlLab(dir, ['--nodes', first, 'service', 'etcd']);
      return {
        ok: false,
        detail: `the restore failed on ${first}: ${
          ev.out
            .split('\n')
            .find((l) => /Failed/.test(l) && /\[/.test(l))
            ?.trim() ?? 'Failed'
        }`,
      };
    }
    const ml = await etcdctl([clientUrl(first)], ['member', 'list', '-w', 'json'], { commandTimeoutS: 2 });
    if (ml.code === 0) {
      const members = parseMemberList(ml.stdout);
      const started = members.filter((m) => m.name !== '' && m.clientURLs.length > 0);
      const learners = members.filter((m) => m.isLearner);
      const statuses = await Promise.all(ips.map((ip) => endpointStatus(ip, 2)));
      const leaders = new Set(statuses.map((s) => s?.leader ?? '0'));
      const leader = [...leaders][0] ?? '0';
      const oneLeader =
        statuses.every((s) => s !== null) &&
        leaders.size === 1 &&
        leader !== '0' &&
        statuses.filter((s) => s?.memberId === leader).length === 1;
      last = `${started.length}/${ips.length} started, ${learners.length} learner(s), leader ${oneLeader ? 'agreed' : 'not agreed'}`;
      if (members.length === ips.length && started.length === ips.length && learners.length === 0 && oneLeader)
        return { ok: true, detail: `${ips.length} members started, all voters, one leader` };
    } else last = ml.error;
    if (Date.now() > deadline) return { ok: false, detail: `not restored in time: ${last}` };
    await sleep(250);
  }
}

/**
 * hashkv of every member at its current revision, which must be the expected one (not `--rev`:
 * etcd refuses a hash at or below the compacted revision, and a backup of a compacting cluster
 * is compacted at its own revision): every member the same hash of the same MVCC history.
 */
export async function hashKvCheck(ips: readonly string[], revision: number): Promise<{ ok: boolean; detail: string }> {
  const r = await etcdctl(ips.map(clientUrl), ['endpoint', 'hashkv', '-w', 'json'], { commandTimeoutS: 10 });
  if (r.code !== 0) return { ok: false, detail: `endpoint hashkv failed: ${r.error}` };
  const rows = parseEtcdJson(r.stdout) as Array<{
    Endpoint?: string;
    HashKV?: { hash?: number; header?: { revision?: number } };
  }>;
  const seen = rows.map((x) => ({
    ep: x.Endpoint ?? '?',
    hash: (x.HashKV?.hash ?? 0) >>> 0,
    rev: Number(x.HashKV?.header?.revision ?? 0),
  }));
  const hashes = new Set(seen.map((x) => x.hash));
  const ok = seen.length === ips.length && hashes.size === 1 && seen.every((x) => x.rev === revision);
  return {
    ok,
    detail: ok
      ? `${seen[0]?.hash} at revision ${revision} on all ${seen.length} members`
      : `differs, is missing or not at revision ${revision}: ${seen.map((x) => `${x.ep} ${x.hash} @${x.rev}`).join(', ')}`,
  };
}

/** Keys a client sees: the total count of a prefix-less range (limit 1 still reports the count). */
export async function liveKeyCount(ip: string): Promise<number | null> {
  const r = await etcdctl([clientUrl(ip)], ['get', '', '--prefix', '--limit', '1', '-w', 'json'], {
    commandTimeoutS: 10,
  });
  if (r.code !== 0) return null;
  const n = Number((JSON.parse(r.stdout) as { count?: number }).count ?? 0);
  return Number.isFinite(n) ? n : null;
}

/** Live processes whose command line mentions `dir` (the lab's etcd members and supervisor). */
export function processesMentioning(dir: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') continue;
      if (
        readFileSync(`/proc/${e}/cmdline`, 'utf8')
          .split('\0')
          .some((a) => a.includes(dir))
      )
        out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The addresses whose etcd ports (2379, 2380) another process already holds. */
export async function addressesBusy(ips: readonly string[]): Promise<string[]> {
  const { createServer } = await import('node:net');
  const free = (ip: string, port: number) =>
    new Promise<boolean>((done) => {
      const s = createServer();
      s.once('error', () => done(false));
      s.listen(port, ip, () => s.close(() => done(true)));
    });
  const busy: string[] = [];
  for (const ip of ips) for (const port of [2379, 2380]) if (!(await free(ip, port))) busy.push(`${ip}:${port}`);
  return busy;
}
