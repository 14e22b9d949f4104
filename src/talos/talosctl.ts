import { readdirSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { checkArgs, checkNode } from './argv-guard.js';
import type { ParseResult } from './parse/result.js';
import { type ClientVersion, parseClientVersion } from './parse/version.js';

/**
 * The one way talos-dr runs talosctl: an argv array (never a shell), one node per call, a hard
 * timeout that kills the whole process group (talosctl can hang forever when etcd is not
 * listening, and a grandchild holding the pipe would keep the promise waiting), and an AbortSignal
 * so Ctrl-C reaches the child. A failed, timed-out or unspawnable call is data, never thrown; only
 * an invalid node or argument is refused, before anything is spawned.
 */

export interface CommandResult {
  /** the full argv after the binary, as spawned */
  argv: string[];
  binary: string;
  /** the single `--nodes` value; '' for node-less calls (clientVersion) */
  node: string;
  /** the child's pid, which is also its process group id; undefined if it never started */
  pid: number | undefined;
  /** null when the process was killed by a signal or never started */
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  canceled: boolean;
  /** set when the binary could not be started at all */
  spawnError?: { code: string; message: string };
  /**
   * set when the call was never made: the node did not answer earlier in a read-only run
   * (src/engine/unanswered.ts). `timedOut` is true with it: the read counts as a timeout.
   */
  notAsked?: string;
}

/**
 * The one constructor of a CommandResult: every field a call did not set has its "nothing
 * happened" value (no pid, no exit code, no output, not timed out, not canceled), so a result
 * built from a log, a recording or a skipped call cannot forget a field a live one has.
 */
export function commandResult(
  f: Pick<CommandResult, 'argv' | 'binary' | 'node'> & Partial<CommandResult>,
): CommandResult {
  return {
    argv: f.argv,
    binary: f.binary,
    node: f.node,
    pid: f.pid,
    exitCode: f.exitCode ?? null,
    signal: f.signal ?? null,
    stdout: f.stdout ?? '',
    stderr: f.stderr ?? '',
    durationMs: f.durationMs ?? 0,
    timedOut: f.timedOut ?? false,
    canceled: f.canceled ?? false,
    ...(f.spawnError === undefined ? {} : { spawnError: f.spawnError }),
    ...(f.notAsked === undefined ? {} : { notAsked: f.notAsked }),
  };
}

/** A call as a log or a recording keeps it: what it printed and how it ended, no process. */
export interface KeptCall {
  argv: string[];
  node: string | null;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  notAsked?: string;
}

/** A CommandResult rebuilt from a kept call (replay, `log replay`, a resumed run). */
export function recordedResult(r: KeptCall, binary = 'talosctl'): CommandResult {
  return commandResult({
    argv: r.argv,
    binary,
    node: r.node ?? '',
    exitCode: r.exitCode,
    stdout: r.stdout,
    stderr: r.stderr,
    durationMs: r.durationMs,
    timedOut: r.timedOut,
    ...(r.notAsked === undefined ? {} : { notAsked: r.notAsked }),
  });
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The port the engine uses; the lab and tests pass a different binary, not a different port. */
export interface Talosctl {
  readonly binary: string;
  run(node: string, args: readonly string[], opts?: RunOptions): Promise<CommandResult>;
  /** the same command on each node, in parallel, one result per node in the order given */
  runEach(nodes: readonly string[], args: readonly string[], opts?: RunOptions): Promise<CommandResult[]>;
  clientVersion(opts?: RunOptions): Promise<{ result: CommandResult; version: ParseResult<ClientVersion> }>;
}

export interface TalosctlOptions {
  /** the talosctl binary; default: env TALOSCTL, then `talosctl` on PATH */
  binary?: string;
  talosconfig?: string;
  context?: string;
  endpoints?: readonly string[];
  /** extra environment; the parent environment (TALOSCONFIG, HOME, PATH) is passed through */
  env?: Readonly<Record<string, string>>;
  /** default 60 s */
  defaultTimeoutMs?: number;
  /** between SIGTERM and SIGKILL; default 2 s */
  killGraceMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_KILL_GRACE_MS = 2_000;

/** Which binary to run: the --talosctl flag, then env TALOSCTL, then `talosctl` on PATH. */
export function resolveTalosctlBinary(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  const fromEnv = env.TALOSCTL;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : 'talosctl';
}

/** Sends a signal to a whole process group; a group that is already gone is fine. */
function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left to kill
  }
}

/** Whether any live (non-zombie) process is still in the group, read from /proc. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false; // ESRCH: the group is gone
  }
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
      } catch {
        // the process ended while we looked
      }
    }
    return false;
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/**
 * After SIGKILL the kernel still needs a moment to tear the group down; a call only returns once
 * nothing of it is left (bounded, so a process we cannot kill never hangs the engine).
 */
async function waitGroupGone(pgid: number | undefined, maxMs: number): Promise<void> {
  if (pgid === undefined) return;
  const deadline = performance.now() + maxMs;
  while (groupAlive(pgid) && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function createTalosctl(options: TalosctlOptions = {}): Talosctl {
  const binary = resolveTalosctlBinary(options.binary);
  const grace = options.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const globalFlags = [
    ...(options.talosconfig === undefined ? [] : ['--talosconfig', options.talosconfig]),
    ...(options.context === undefined ? [] : ['--context', options.context]),
    ...(options.endpoints === undefined || options.endpoints.length === 0
      ? []
      : ['--endpoints', options.endpoints.map((e) => checkNode(e)).join(',')]),
  ];
  checkArgs(globalFlags.filter((_, i) => i % 2 === 1));

  async function spawn(node: string, argv: string[], opts: RunOptions): Promise<CommandResult> {
    const timeoutMs = opts.timeoutMs ?? options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS;
    const started = performance.now();
    let timedOut = false;
    let canceled = false;
    const base = { argv, binary, node };
    if (opts.signal?.aborted === true) return commandResult({ ...base, canceled: true });
    const child = execa(binary, argv, {
      reject: false,
      detached: true,
      stdin: 'ignore',
      stripFinalNewline: false,
      env: { ...options.env },
      extendEnv: true,
      maxBuffer: 64 * 1024 * 1024,
    });
    const pid = child.pid;
    let forceTimer: NodeJS.Timeout | undefined;
    const stop = (): void => {
      killGroup(pid, 'SIGTERM');
      forceTimer ??= setTimeout(() => killGroup(pid, 'SIGKILL'), grace);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    const onAbort = (): void => {
      canceled = true;
      stop();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await child;
      const spawnFailed = r.failed && r.exitCode === undefined && r.signal === undefined && !r.isTerminated;
      const code = typeof r.code === 'string' ? r.code : 'ESPAWN';
      const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not executable' : 'cannot be started';
      return commandResult({
        ...base,
        pid,
        exitCode: r.exitCode ?? null,
        signal: r.signal ?? null,
        stdout: typeof r.stdout === 'string' ? r.stdout : '',
        stderr: typeof r.stderr === 'string' ? r.stderr : '',
        durationMs: Math.round(performance.now() - started),
        timedOut,
        canceled,
        ...(spawnFailed
          ? { spawnError: { code, message: `talosctl binary ${JSON.stringify(binary)} ${why} (${code})` } }
          : {}),
      });
    } finally {
      clearTimeout(timer);
      clearTimeout(forceTimer);
      opts.signal?.removeEventListener('abort', onAbort);
      // talosctl must leave nothing behind: reap any stray member of its process group
      killGroup(pid, 'SIGKILL');
      await waitGroupGone(pid, 1_000);
    }
  }

  return {
    binary,
    run(node, args, opts = {}) {
      try {
        const n = checkNode(node);
        return spawn(n, [...globalFlags, '--nodes', n, ...checkArgs(args)], opts);
      } catch (e) {
        return Promise.reject(e);
      }
    },
    runEach(nodes, args, opts = {}) {
      try {
        const checked = nodes.map((n) => checkNode(n));
        const argv = checkArgs(args);
        return Promise.all(checked.map((n) => spawn(n, [...globalFlags, '--nodes', n, ...argv], opts)));
      } catch (e) {
        return Promise.reject(e);
      }
    },
    async clientVersion(opts = {}) {
      // no --talosconfig here: an explicit missing path would make talosctl create an empty file
      const result = await spawn('', ['version', '--client', '--short'], opts);
      return { result, version: parseClientVersion(result.stdout) };
    },
  };
}
