import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { clientUrl, etcdctl, parseEtcdJson, peerUrl } from './etcdctl.js';
import { memberGid } from './net-ids.js';
import { type LabNodeSpec, labPaths, type NodeRecord } from './state.js';

/**
 * Real etcd members on loopback: how one is started (own session, zap logger, pre-vote, bounded
 * snapshot count), how we know a PID is still the member we started, how it is stopped and wiped,
 * and the seeded data set with its checksum.
 */

export const DEFAULT_SNAPSHOT_COUNT = 5000;

/** The lab's first member address unless `lab up --first-address` says otherwise. */
export const DEFAULT_FIRST_ADDRESS = '127.0.0.11';

/**
 * Member addresses count up from `first` (127.0.0.11, .12, …). Two labs on different ranges bind
 * different sockets, so a restore drill can run beside a lab a trainee is using.
 */
export function nodeSpecs(count: number, first = DEFAULT_FIRST_ADDRESS): LabNodeSpec[] {
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(first);
  const [a, b, c] = (m?.slice(1) ?? []).map(Number) as [number, number, number];
  if (!m || a > 255 || b > 255 || c < 1 || c + count - 1 > 254) {
    throw new RangeError(`first address ${first} must be 127.x.y.z with room for ${count} members (z from 1 to 254)`);
  }
  return Array.from({ length: count }, (_, i) => ({
    index: i + 1,
    name: `lab-cp-${i + 1}`,
    ip: `127.${a}.${b}.${c + i}`,
  }));
}

export function initialClusterOf(nodes: readonly LabNodeSpec[]): string {
  return nodes.map((n) => `${n.name}=${peerUrl(n.ip)}`).join(',');
}

export function memberArgs(dir: string, rec: NodeRecord, quotaBytes: number | null): string[] {
  return [
    '--name',
    rec.name,
    '--data-dir',
    labPaths(dir).data(rec.name),
    '--listen-client-urls',
    clientUrl(rec.ip),
    '--advertise-client-urls',
    clientUrl(rec.ip),
    '--listen-peer-urls',
    peerUrl(rec.ip),
    '--initial-advertise-peer-urls',
    peerUrl(rec.ip),
    '--initial-cluster',
    rec.initialCluster,
    '--initial-cluster-state',
    rec.clusterState,
    '--logger',
    'zap',
    '--log-outputs',
    'stderr',
    '--pre-vote=true',
    '--snapshot-count',
    String(DEFAULT_SNAPSHOT_COUNT),
    ...(quotaBytes ? ['--quota-backend-bytes', String(quotaBytes)] : []),
  ];
}

/** Starts etcd detached in its own session (setsid), output appended to its log; returns its PID. */
export function spawnMember(dir: string, rec: NodeRecord, quotaBytes: number | null): number {
  const p = labPaths(dir);
  mkdirSync(p.data(rec.name), { recursive: true, mode: 0o700 });
  mkdirSync(p.logs, { recursive: true });
  const fd = openSync(p.log(rec.name), 'a');
  try {
    const child = spawn('etcd', memberArgs(dir, rec, quotaBytes), {
      detached: true,
      stdio: ['ignore', fd, fd],
      // as root, each member gets its own group: the network faults tell its sockets apart by it
      ...(process.getuid?.() === 0 ? { gid: memberGid(rec.ip) } : {}),
    });
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start etcd for ${rec.name}`);
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

/** True when `pid` is a live (not zombie) process whose command line contains `marker`. */
export function isLiveProcess(pid: number | null, marker: string): boolean {
  if (pid === null || pid <= 0) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state === 'Z' || state === 'X') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker);
  } catch {
    return false;
  }
}

export const isMemberAlive = (dir: string, rec: NodeRecord): boolean =>
  isLiveProcess(rec.pid, labPaths(dir).data(rec.name));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops one process we started: SIGCONT (it may be frozen), SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pid: number | null, marker: string, graceMs = 5000): Promise<void> {
  if (!isLiveProcess(pid, marker) || pid === null) return;
  for (const sig of ['SIGCONT', 'SIGTERM'] as const) {
    try {
      process.kill(pid, sig);
    } catch {
      return;
    }
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isLiveProcess(pid, marker)) return;
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  while (isLiveProcess(pid, marker)) await sleep(20);
}

export async function killMember(dir: string, rec: NodeRecord, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  const marker = labPaths(dir).data(rec.name);
  if (!isLiveProcess(rec.pid, marker) || rec.pid === null) return;
  if (signal === 'SIGKILL') {
    process.kill(rec.pid, 'SIGKILL');
    while (isLiveProcess(rec.pid, marker)) await sleep(20);
  } else await stopPid(rec.pid, marker);
}

/** Removes the contents of a node's data dir (as Talos wipes /var/lib/etcd), never the dir itself. */
export function wipeData(dir: string, name: string): void {
  const d = labPaths(dir).data(name);
  mkdirSync(d, { recursive: true, mode: 0o700 });
  for (const entry of readdirSync(d)) rmSync(join(d, entry), { recursive: true, force: true });
}

export function dataDirEmpty(dir: string, name: string): boolean {
  try {
    return readdirSync(labPaths(dir).data(name)).length === 0;
  } catch {
    return true;
  }
}

/** The seeded value of key i: deterministic, so a checksum can be compared across labs. */
export const seedKey = (prefix: string, i: number): string => `${prefix}${String(i).padStart(6, '0')}`;
export const seedValue = (i: number): string =>
  `seed-value-${i}-${createHash('sha256').update(String(i)).digest('hex')}`;

/**
 * Writes keys through etcd's gRPC gateway (no process per key). Over node:http, not fetch: the
 * first fetch() loads undici, which cost the drill process ~15 MB of its peak memory.
 */
export async function putViaGateway(ip: string, key: string, value: string | Buffer): Promise<void> {
  const body = JSON.stringify({
    key: Buffer.from(key).toString('base64'),
    value: Buffer.from(value).toString('base64'),
  });
  const { status, text } = await postJson(`${clientUrl(ip)}/v3/kv/put`, body, 30_000);
  if (status < 200 || status > 299 || text.includes('"error"')) {
    throw new Error(`put ${key} via ${ip}: ${status} ${text.slice(0, 300)}`);
  }
}

/** One JSON POST; the answer's status and body, or an error after `timeoutMs`. */
function postJson(url: string, body: string, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

export async function seedData(ip: string, prefix: string, count: number): Promise<void> {
  const batch = 16;
  for (let i = 0; i < count; i += batch) {
    const jobs: Promise<void>[] = [];
    for (let k = i; k < Math.min(count, i + batch); k++) jobs.push(putViaGateway(ip, seedKey(prefix, k), seedValue(k)));
    await Promise.all(jobs);
  }
}

export interface Checksum {
  readonly keys: number;
  readonly sha256: string;
}

/** Key count + sha256 over the sorted keys and values under `prefix` (etcdctl get -w json, base64). */
export async function checksum(endpoints: readonly string[], prefix: string): Promise<Checksum> {
  const r = await etcdctl(endpoints, ['get', '--prefix', prefix, '-w', 'json'], { commandTimeoutS: 5 });
  if (r.code !== 0) throw new Error(`etcdctl get --prefix ${prefix}: ${r.error || `exit ${r.code}`}`);
  const doc = parseEtcdJson(r.stdout) as { kvs?: Array<{ key?: string; value?: string }> };
  const kvs = (doc.kvs ?? []).map((kv) => ({
    key: Buffer.from(kv.key ?? '', 'base64'),
    value: Buffer.from(kv.value ?? '', 'base64'),
  }));
  kvs.sort((a, b) => Buffer.compare(a.key, b.key));
  const h = createHash('sha256');
  for (const kv of kvs) {
    h.update(`${kv.key.length}:`).update(kv.key).update(`${kv.value.length}:`).update(kv.value);
  }
  return { keys: kvs.length, sha256: h.digest('hex') };
}
