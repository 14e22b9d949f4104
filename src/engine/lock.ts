import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { makeError, TalosDrError } from '../io/errors.js';

/**
 * One run per cluster: a lock file per cluster key, created atomically with its full content
 * (write a private temp file, then link(2) it to the lock path: fails with EEXIST if held).
 * A lock whose holder process is dead on this host is taken over without any time-based guard:
 * the taker first claims that lock *generation* by link(2)-ing its own content to
 * `<lock>.claim-<nonce of the stale content>` (exclusive: one claimant per generation), re-reads
 * the lock under the claim and renames the claim onto the lock path. A claimant that died
 * mid-takeover leaves a stale claim, which is itself taken over the same way (recursively), so
 * a crash never blocks the lock and two live takers can never both win.
 */

export interface LockHolder {
  operator: string;
  pid: number;
  host: string;
  runbook: string;
  /** ISO time the lock was taken */
  since: string;
  /** the cluster key, as given */
  key: string;
  /** start time of the holder process (Linux /proc), to tell a reused pid from the holder */
  pidStart: string | null;
  nonce: string;
}

export interface RunLock {
  path: string;
  holder: LockHolder;
  /** removes the lock if it is still ours; safe to call twice */
  release(): void;
}

/** The typed "cluster is locked" error: main.ts maps it (TDR_LOCKED) to exit 5. */
export class LockHeldError extends TalosDrError {
  readonly holder: LockHolder | null;
  readonly lockPath: string;
  constructor(holder: LockHolder | null, lockPath: string, key?: string) {
    // a log's own lock (resume) is keyed `log:<path>`; every other key is a cluster's
    const code = (key ?? holder?.key ?? '').startsWith('log:') ? 'TDR_LOG_LOCKED' : 'TDR_LOCKED';
    const base = makeError(code, { holder: describeHolder(holder), lockPath });
    super(base.code, base.message, { exitCode: base.exitCode, ...(base.hint ? { hint: base.hint } : {}) });
    this.holder = holder;
    this.lockPath = lockPath;
  }
}

/** "operator alice (pid 4242 on host cp-admin), runbook nospace-recovery, since 2026-…". */
export function describeHolder(h: LockHolder | null): string {
  if (!h) return 'the lock file cannot be read (it was edited by hand?)';
  return `operator ${h.operator} (pid ${h.pid} on host ${h.host}), runbook ${h.runbook}, since ${h.since}`;
}

/** $TALOS_DR_LOCK_DIR, else $XDG_STATE_HOME/talos-dr/locks, else ~/.local/state/talos-dr/locks. */
export function defaultLockDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TALOS_DR_LOCK_DIR) return env.TALOS_DR_LOCK_DIR;
  const state = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  return join(state, 'talos-dr', 'locks');
}

/** The lock key of a log file (resume, and the run writing it): `log:` + its real path. */
export function logLockKey(path: string): string {
  let dir = dirname(path);
  try {
    dir = realpathSync(dir);
  } catch {
    // not there yet: the path as given
  }
  return `log:${join(dir, basename(path))}`;
}

export function lockPathFor(key: string, dir: string): string {
  return join(dir, `${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32)}.lock`);
}

export interface AcquireOptions {
  /** what identifies the cluster (engine/cluster-identity.ts: its Talos cluster id), or `log:<path>` for a log being resumed */
  key: string;
  operator: string;
  runbook: string;
  dir?: string;
  now?: () => Date;
}

/** Rounds of "link, else look at the holder"; between rounds a live taker may be mid-takeover. */
const ATTEMPTS = 40;
/** How deep a chain of claims left by crashed takers is followed. */
const MAX_CLAIM_DEPTH = 8;

/** Takes the cluster lock or throws LockHeldError naming the holder. */
export function acquireLock(opts: AcquireOptions): RunLock {
  const dir = opts.dir ?? defaultLockDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = lockPathFor(opts.key, dir);
  const holder: LockHolder = {
    operator: opts.operator,
    pid: process.pid,
    host: hostname(),
    runbook: opts.runbook,
    since: (opts.now ?? (() => new Date()))().toISOString(),
    key: opts.key,
    pidStart: processStart(process.pid),
    nonce: randomBytes(8).toString('hex'),
  };
  const content = `${JSON.stringify(holder)}\n`;
  const tmp = `${path}.${process.pid}.${holder.nonce}.tmp`;
  writeDurably(tmp, content);
  const lock: RunLock = { path, holder, release: () => releaseIfOurs(path, content) };
  try {
    for (let i = 0; i < ATTEMPTS; i++) {
      if (tryLink(tmp, path)) return lock;
      const current = readRaw(path);
      if (current === undefined) continue; // released meanwhile: try again
      const other = parseHolder(current);
      if (!other || !isStale(other)) throw new LockHeldError(other, path, opts.key);
      if (replaceStale(path, current, tmp, 0)) return lock;
      pause(1 + i); // another live taker holds the claim: it needs microseconds, then we see it as holder
    }
    throw new LockHeldError(parseHolder(readRaw(path) ?? ''), path, opts.key);
  } finally {
    tryUnlink(tmp);
  }
}

/** Whether the recorded holder is a process that no longer exists on this host. */
export function isStale(h: LockHolder): boolean {
  if (h.host !== hostname()) return false; // cannot see another host's processes: never steal
  return !pidAlive(h.pid, h.pidStart);
}

/**
 * Replaces the file `name`, whose content `stale` names a dead holder, with our content (`tmp`).
 * Exclusive through the claim `<name>.claim-<nonce>`: only its creator may rename onto `name`,
 * and only after re-reading `name` unchanged while holding it. True when we replaced it.
 */
function replaceStale(name: string, stale: string, tmp: string, depth: number): boolean {
  const claim = `${name}.claim-${parseHolder(stale)?.nonce || 'unknown'}`;
  let held = tryLink(tmp, claim);
  for (let i = 0; !held && i < 3; i++) {
    const other = readRaw(claim);
    if (other === undefined) {
      held = tryLink(tmp, claim); // the claimant finished or gave up meanwhile
      continue;
    }
    const claimant = parseHolder(other);
    // a live claimant is at work: let it finish; a dead one left its claim behind: take that over
    if (!claimant || !isStale(claimant) || depth >= MAX_CLAIM_DEPTH) return false;
    held = replaceStale(claim, other, tmp, depth + 1);
    if (!held) return false;
  }
  if (!held) return false;
  // While we hold the claim nobody else may replace `name`; it is still stale if unchanged.
  if (readRaw(name) === stale) {
    renameSync(claim, name);
    return true;
  }
  tryUnlink(claim); // someone replaced it before we claimed: give the claim back
  return false;
}

/** link(2): creates `to` atomically with `from`'s content; false if `to` exists. */
function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw e;
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** A short synchronous wait (acquireLock is synchronous by design: it runs before anything else). */
function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function pidAlive(pid: number, start: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if (errno(e) === 'ESRCH') return false;
  }
  const now = processStart(pid);
  return start === null || now === null || now === start;
}

/** Field 22 (starttime) of /proc/<pid>/stat, or null where there is no /proc. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function parseHolder(raw: string): LockHolder | null {
  try {
    const v = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof v.pid !== 'number' || typeof v.host !== 'string' || typeof v.operator !== 'string') return null;
    return {
      operator: v.operator,
      pid: v.pid,
      host: v.host,
      runbook: String(v.runbook ?? '?'),
      since: String(v.since ?? '?'),
      key: String(v.key ?? ''),
      pidStart: typeof v.pidStart === 'string' ? v.pidStart : null,
      nonce: String(v.nonce ?? ''),
    };
  } catch {
    return null;
  }
}

function releaseIfOurs(path: string, content: string): void {
  if (readRaw(path) === content) tryUnlink(path);
}

function writeDurably(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw e;
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function errno(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;
}
