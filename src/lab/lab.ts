import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeError } from '../io/errors.js';
import { checksum, initialClusterOf, isLiveProcess, isMemberAlive, nodeSpecs, seedData, stopPid } from './cluster.js';
import { clientUrl, etcdctl } from './etcdctl.js';
import { clearNetFiles } from './net-state.js';
import { inSingleExecutable, selfCommand } from './self-command.js';
import {
  addEvent,
  LAB_STATE_VERSION,
  type LabNodeSpec,
  type LabState,
  labPaths,
  type NodeRecord,
  readLabState,
  readNode,
  SEED_PREFIX,
  writeJsonAtomic,
  writeNode,
} from './state.js';
import { DEFAULT_LAB_TALOS_VERSION, type LabTalosVersion } from './talos-versions.js';

/**
 * `talos-dr lab up|down|status|checksum`: builds a lab of real members managed by the
 * supervisor, and tears down exactly the processes it started (checked by PID and command line).
 */

export interface UpOptions {
  readonly dir: string;
  readonly members: number;
  readonly quotaBytes: number | null;
  readonly seedKeys: number;
  /** the first member's loopback address (default 127.0.0.11) */
  readonly firstAddress?: string;
  /** the Talos version the shim answers as (default 1.14) */
  readonly talosVersion?: LabTalosVersion;
  /** 1.14 only: etcd on a dedicated ETCD partition */
  readonly dedicatedEtcd?: boolean;
  readonly timeoutMs?: number;
}

export interface UpResult {
  readonly lab: LabState;
  readonly elapsedMs: number;
  readonly pids: Record<string, number>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** bin/talosctl-lab of this checkout or install: the first ancestor of the running file that has it. */
export function shimPath(): string {
  for (const rel of ['../bin/talosctl-lab', '../../bin/talosctl-lab', '../../../bin/talosctl-lab']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return 'bin/talosctl-lab';
}

/**
 * The talosctl a run against the lab in `dir` uses: bin/talosctl-lab, or in the single executable
 * the symlink `lab up` puts in the lab dir (the executable answers as talosctl under that name).
 */
export function labTalosctl(dir: string): string {
  return inSingleExecutable() ? join(dir, 'talosctl-lab') : shimPath();
}

/** The single executable's talosctl for this lab: `<dir>/talosctl-lab` → the executable (replaced each lab up). */
function linkTalosctl(dir: string): void {
  if (!inSingleExecutable()) return;
  const link = join(dir, 'talosctl-lab');
  rmSync(link, { force: true });
  symlinkSync(process.execPath, link);
}

/** PIDs of the lab's processes that are still alive (supervisor and members). */
export function livePids(dir: string): number[] {
  const lab = readLabState(dir);
  const pids: number[] = [];
  const sup = supervisorPid(dir);
  if (sup !== null) pids.push(sup);
  for (const n of lab?.nodes ?? []) {
    const rec = readNode(dir, n.name);
    if (rec && isMemberAlive(dir, rec) && rec.pid !== null) pids.push(rec.pid);
  }
  return pids;
}

/** The supervisor's PID while it runs (checked by command line), else null. */
export function supervisorPid(dir: string): number | null {
  try {
    const pid = Number(readFileSync(labPaths(dir).supervisorPid, 'utf8'));
    return isLiveProcess(pid, dir) ? pid : null;
  } catch {
    return null;
  }
}

export async function labUp(opts: UpOptions): Promise<UpResult> {
  const { dir } = opts;
  const running = livePids(dir);
  if (running.length > 0) throw makeError('TDR_LAB_RUNNING', { dir, pids: running.join(',') });
  if (opts.members < 1 || opts.members > 9) {
    throw makeError('TDR_BAD_PARAM', { flag: '--members', value: String(opts.members), reason: 'must be 1 to 9' });
  }
  if (opts.dedicatedEtcd && (opts.talosVersion ?? DEFAULT_LAB_TALOS_VERSION) !== '1.14') {
    throw makeError('TDR_BAD_PARAM', {
      flag: '--etcd-volume',
      value: 'dedicated',
      reason: `a dedicated ETCD volume exists from Talos 1.14 (this lab is ${opts.talosVersion})`,
    });
  }
  const p = labPaths(dir);
  for (const sub of ['data', 'nodes', 'logs', 'uploads']) rmSync(`${dir}/${sub}`, { recursive: true, force: true });
  rmSync(p.compactionPaused, { force: true });
  clearNetFiles(dir);
  for (const sub of ['data', 'nodes', 'logs', 'uploads']) mkdirSync(`${dir}/${sub}`, { recursive: true });
  linkTalosctl(dir);
  let nodes: LabNodeSpec[];
  try {
    nodes = nodeSpecs(opts.members, opts.firstAddress);
  } catch (e) {
    throw makeError('TDR_BAD_PARAM', {
      flag: '--first-address',
      value: opts.firstAddress ?? '',
      reason: (e as Error).message,
    });
  }
  const lab: LabState = {
    version: LAB_STATE_VERSION,
    dir,
    nodes,
    quotaBytes: opts.quotaBytes,
    seedKeys: opts.seedKeys,
    seedPrefix: SEED_PREFIX,
    createdAt: new Date().toISOString(),
    supervisorPid: null,
    talosVersion: opts.talosVersion ?? DEFAULT_LAB_TALOS_VERSION,
    dedicatedEtcd: opts.dedicatedEtcd === true,
  };
  const ic = initialClusterOf(nodes);
  for (const n of nodes) {
    const rec: NodeRecord = {
      name: n.name,
      ip: n.ip,
      mode: 'run',
      pid: null,
      frozen: false,
      clusterState: 'new',
      initialCluster: ic,
      promote: null,
      waitRemovalOf: null,
      state: 'Preparing',
      health: '?',
      healthMessage: '',
      events: [],
    };
    addEvent(rec, 'Waiting', 'Waiting for service "cri" to be "up"');
    addEvent(rec, 'Preparing', 'Running pre state');
    writeNode(dir, rec);
  }
  const t0 = Date.now();
  writeJsonAtomic(p.state, lab);
  const fd = openSync(p.supervisorLog, 'a');
  const sup = selfCommand('lab-supervisor');
  const child = spawn(sup.file, [...sup.args, dir], {
    ...(sup.argv0 ? { argv0: sup.argv0 } : {}),
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  child.unref();
  const withPid: LabState = { ...lab, supervisorPid: child.pid ?? null };
  writeJsonAtomic(p.state, withPid);
  const endpoints = nodes.map((n) => clientUrl(n.ip));
  const deadline = t0 + (opts.timeoutMs ?? 30_000);
  for (;;) {
    const h = await etcdctl(endpoints, ['endpoint', 'health'], { commandTimeoutS: 1 });
    if (h.code === 0) break;
    if (Date.now() > deadline) {
      await labDown(dir);
      throw makeError('TDR_LAB_FAILED', {
        detail: `members not healthy after ${opts.timeoutMs ?? 30_000} ms: ${h.error}; see ${p.logs}`,
      });
    }
    await sleep(100);
  }
  const elapsedMs = Date.now() - t0;
  const first = nodes[0];
  if (first && opts.seedKeys > 0) await seedData(first.ip, SEED_PREFIX, opts.seedKeys);
  const pids: Record<string, number> = {};
  for (const n of nodes) {
    const rec = readNode(dir, n.name);
    if (rec?.pid) pids[n.name] = rec.pid;
  }
  return { lab: withPid, elapsedMs, pids };
}

/** Stops the supervisor, then every member by its recorded PID (and any stray member of this dir). */
export async function labDown(dir: string): Promise<{ stopped: number[] }> {
  const stopped: number[] = [];
  const sup = supervisorPid(dir);
  // SIGTERM puts the supervisor into draining: it restarts nothing and reaps the members we stop
  if (sup !== null) {
    rmSync(labPaths(dir).supervisorDraining, { force: true });
    process.kill(sup, 'SIGTERM');
    // wait until it finished its current tick (it may be starting a member right now)
    const deadline = Date.now() + 15_000;
    while (isLiveProcess(sup, dir) && !existsSync(labPaths(dir).supervisorDraining) && Date.now() < deadline) {
      await sleep(50);
    }
  }
  const lab = readLabState(dir);
  for (const n of lab?.nodes ?? []) {
    const rec = readNode(dir, n.name);
    if (rec && rec.pid !== null && isMemberAlive(dir, rec)) {
      await stopPid(rec.pid, labPaths(dir).data(n.name));
      stopped.push(rec.pid);
    }
  }
  // safety net: a member of THIS dir whose PID did not reach a record (e.g. a crash mid-write)
  for (const pid of strayMembers(dir)) {
    await stopPid(pid, strayMarker(pid) ?? '');
    stopped.push(pid);
  }
  rmSync(labPaths(dir).supervisorDraining, { force: true });
  if (sup !== null) {
    await stopPid(sup, dir, 25_000);
    stopped.unshift(sup);
  }
  rmSync(labPaths(dir).state, { force: true });
  rmSync(labPaths(dir).supervisorPid, { force: true });
  // the supervisor took the network faults' rules with it; a new lab starts without them
  clearNetFiles(dir);
  return { stopped };
}

function strayMarker(pid: number): string | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const i = argv.indexOf('--data-dir');
    return i >= 0 ? argv[i + 1] : undefined;
  } catch {
    return undefined;
  }
}

function strayMembers(dir: string): number[] {
  const prefix = `${labPaths(dir).data('x').slice(0, -1)}`;
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const dd = strayMarker(pid);
    if (dd?.startsWith(prefix) && isLiveProcess(pid, dd)) out.push(pid);
  }
  return out;
}

export function requireLab(dir: string): LabState {
  const lab = readLabState(dir);
  if (!lab) throw makeError('TDR_LAB_NOT_RUNNING', { dir });
  return lab;
}

export interface NodeStatusRow {
  readonly rec: NodeRecord;
  readonly alive: boolean;
}

export function labStatus(dir: string): { lab: LabState; supervisor: number | null; nodes: NodeStatusRow[] } {
  const lab = requireLab(dir);
  const nodes = lab.nodes.flatMap((n) => {
    const rec = readNode(dir, n.name);
    return rec ? [{ rec, alive: isMemberAlive(dir, rec) }] : [];
  });
  return { lab, supervisor: supervisorPid(dir), nodes };
}

/** Endpoints of members that run and are not frozen. */
export function liveEndpoints(dir: string, lab: LabState): string[] {
  return lab.nodes
    .map((n) => readNode(dir, n.name))
    .filter((r): r is NodeRecord => r !== null && r.mode === 'run' && !r.frozen && isMemberAlive(dir, r))
    .map((r) => clientUrl(r.ip));
}

export async function labChecksum(dir: string): Promise<{ keys: number; sha256: string; prefix: string }> {
  const lab = requireLab(dir);
  const eps = liveEndpoints(dir, lab);
  if (eps.length === 0) throw makeError('TDR_LAB_FAILED', { detail: 'no member is running' });
  try {
    return { ...(await checksum(eps, lab.seedPrefix)), prefix: lab.seedPrefix };
  } catch (e) {
    throw makeError('TDR_LAB_FAILED', { detail: String(e instanceof Error ? e.message : e) });
  }
}
