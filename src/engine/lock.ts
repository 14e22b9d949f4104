import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { makeError, TalosDrError } from '../io/errors.js';

/**
 * One run per cluster: a lock file per cluster key, created atomically with its full content
 * (write a private temp file, then link(2) it to the lock path: fails with EEXIST if held).
 * A lock whose holder process is dead on this host is taken over by an atomic rename(2) onto the
 * lock path, after re-reading it under a short-lived takeover guard (mkdir), so two acquirers
 * that both see the same stale lock cannot both win.
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
  constructor(holder: LockHolder | null, lockPath: string) {
    const base = makeError('TDR_LOCKED', { holder: describeHolder(holder), lockPath });
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
  const state = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(state, 'talos-dr', 'locks');
}

export function lockPathFor(key: string, dir: string): string {
  return join(dir, `${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 32)}.lock`);
}

export interface AcquireOptions {
  /** what identifies the cluster: talosconfig context + endpoints, or the lab dir */
  key: string;
  operator: string;
  runbook: string;
  dir?: string;
  now?: () => Date;
}

/** A takeover guard older than this was left by a crash in the middle of a takeover. */
const GUARD_STALE_MS = 30_000;
const ATTEMPTS = 5;

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
      try {
        linkSync(tmp, path);
        return lock;
      } catch (e) {
        if (errno(e) !== 'EEXIST') throw e;
      }
      const current = readRaw(path);
      if (current === undefined) continue; // released meanwhile: try again
      const other = parseHolder(current);
      if (!other || !isStale(other)) throw new LockHeldError(other, path);
      if (takeOver(path, current, tmp)) return lock;
    }
    throw new LockHeldError(parseHolder(readRaw(path) ?? ''), path);
  } finally {
    tryUnlink(tmp);
  }
}

/** Whether the recorded holder is a process that no longer exists on this host. */
export function isStale(h: LockHolder): boolean {
  if (h.host !== hostname()) return false; // cannot see another host's processes: never steal
  return !pidAlive(h.pid, h.pidStart);
}

function takeOver(path: string, staleRaw: string, tmp: string): boolean {
  const guard = `${path}.takeover`;
  try {
    mkdirSync(guard);
  } catch (e) {
    if (errno(e) !== 'EEXIST') throw e;
    try {
      if (Date.now() - statSync(guard).mtimeMs > GUARD_STALE_MS) rmdirSync(guard);
    } catch {
      // someone else removed it: fine
    }
    return false;
  }
  try {
    if (readRaw(path) !== staleRaw) return false; // someone else took it over first
    renameSync(tmp, path);
    return true;
  } finally {
    rmdirSync(guard);
  }
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
