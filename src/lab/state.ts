import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { LabTalosVersion } from './talos-versions.js';

/**
 * The lab's on-disk state: one lab.json (what `lab up` built) and one JSON record per node (what
 * the supervisor, the shim and the faults agree on), each written atomically (temp + rename) and
 * changed under a per-node lock, so three processes can share them without a daemon protocol.
 */

export const LAB_STATE_VERSION = 1;
export const SEED_PREFIX = '/lab/seed/';

export interface LabNodeSpec {
  readonly index: number;
  readonly name: string;
  readonly ip: string;
}

export interface LabState {
  readonly version: number;
  readonly dir: string;
  readonly nodes: readonly LabNodeSpec[];
  readonly quotaBytes: number | null;
  readonly seedKeys: number;
  readonly seedPrefix: string;
  readonly createdAt: string;
  readonly supervisorPid: number | null;
  /** the Talos version the shim answers as (absent in older lab dirs: 1.14) */
  readonly talosVersion?: LabTalosVersion;
  /** 1.14 only: etcd on a dedicated ETCD partition, which an EPHEMERAL-only reset leaves in place */
  readonly dedicatedEtcd?: boolean;
}

/** Talos's service states, as `talosctl service etcd` prints them. */
export type ServiceState = 'Preparing' | 'Waiting' | 'Running' | 'Stopping' | 'Finished' | 'Failed' | 'Starting';

/**
 * What a node is meant to be: `run` (etcd should be running on its data dir), `join` (wiped,
 * waits in Preparing to join as a learner), `stopped` (after `etcd leave`: Finished until reset),
 * `down` (the machine is off: every call to it fails), `failed` (Failed, given up).
 */
export type NodeMode = 'run' | 'join' | 'stopped' | 'down' | 'failed';

export interface ServiceEvent {
  readonly state: ServiceState;
  readonly msg: string;
  readonly ts: number;
}

export interface NodeRecord {
  readonly name: string;
  readonly ip: string;
  mode: NodeMode;
  pid: number | null;
  /** SIGSTOPped by `lab inject lag`: left alone by the supervisor until `lab heal` */
  frozen: boolean;
  /** for the next start of etcd */
  clusterState: 'new' | 'existing';
  initialCluster: string;
  /** hex member id of a learner still to be promoted */
  promote: string | null;
  /** `lab inject stuck-learner`: the supervisor withholds promotion until `lab heal` or a reset */
  holdPromotion?: boolean;
  /** a lost machine: joins only once its old member (hex id) was removed by the runbook */
  waitRemovalOf: string | null;
  /** `lab inject clock-skew`: the node's clock minus the real one, in ms (`talosctl time`) */
  clockOffsetMs?: number;
  state: ServiceState;
  health: 'OK' | 'Fail' | '?';
  healthMessage: string;
  events: ServiceEvent[];
}

export function defaultLabDir(env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, env.TALOS_DR_LAB_DIR ?? '.talos-dr/lab');
}

export const labPaths = (dir: string) => ({
  state: join(dir, 'lab.json'),
  nodes: join(dir, 'nodes'),
  node: (name: string) => join(dir, 'nodes', `${name}.json`),
  lock: (name: string) => join(dir, 'nodes', `${name}.lock`),
  data: (name: string) => join(dir, 'data', name),
  log: (name: string) => join(dir, 'logs', `${name}.log`),
  logs: join(dir, 'logs'),
  supervisorLog: join(dir, 'logs', 'supervisor.log'),
  supervisorPid: join(dir, 'supervisor.pid'),
  supervisorDraining: join(dir, 'supervisor.draining'),
  compactionPaused: join(dir, 'compaction-paused'),
  uploads: join(dir, 'uploads'),
});

/** temp + rename: readers never see half a file */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

export function readLabState(dir: string): LabState | null {
  try {
    return JSON.parse(readFileSync(labPaths(dir).state, 'utf8')) as LabState;
  } catch {
    return null;
  }
}

export function readNode(dir: string, name: string): NodeRecord | null {
  try {
    return JSON.parse(readFileSync(labPaths(dir).node(name), 'utf8')) as NodeRecord;
  } catch {
    return null;
  }
}

export function writeNode(dir: string, rec: NodeRecord): void {
  writeJsonAtomic(labPaths(dir).node(rec.name), rec);
}

/** Appends a Talos-like service event and sets the state; keeps the last 30 events. */
export function addEvent(rec: NodeRecord, state: ServiceState, msg: string, now = Date.now()): void {
  rec.state = state;
  rec.events = [...rec.events, { state, msg, ts: now }].slice(-30);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` on a node's record while holding its lock (a mkdir lock naming its owner; a lock
 * whose owner is dead is taken over). The record is written back when `fn` returns.
 */
export async function withNode<T>(
  dir: string,
  name: string,
  fn: (rec: NodeRecord) => Promise<T> | T,
  waitMs = 15_000,
): Promise<T> {
  return withLock(labPaths(dir).lock(name), `node ${name}`, waitMs, async () => {
    const rec = readNode(dir, name);
    if (!rec) throw new Error(`no record for node ${name} in ${dir}`);
    const result = await fn(rec);
    writeNode(dir, rec);
    return result;
  });
}

/** Runs `fn` holding a mkdir lock at `lock` (its owner's pid inside; a dead owner's lock is taken over). */
export async function withLock<T>(lock: string, what: string, waitMs: number, fn: () => Promise<T> | T): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'owner'), String(process.pid));
      break;
    } catch {
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(join(lock, 'owner'), 'utf8'));
      } catch {
        /* being created or removed */
      }
      if (Number.isInteger(owner) && owner > 0 && !pidAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${what} is busy (lock ${lock} held by ${owner})`);
      else await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
