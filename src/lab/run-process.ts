import { type ChildProcess, spawn } from 'node:child_process';

/**
 * One child process to its end: its output, its exit code, and why it ended when it did not end by
 * itself. node's own spawn, not execa: the lab's talosctl shim runs etcdctl once per talosctl call,
 * and loading execa (240 KB) was a third of each shim call's CPU time. The lab (etcdctl) and the
 * drill (a second talos-dr) share it; the engine's talosctl adapter keeps execa (talos/talosctl.ts).
 * Never rejects: a missing binary, a timeout or a runaway output is a result, not an exception.
 */

export interface ProcessResult {
  /** the exit code; -1 when the process could not start, was killed, or was stopped by us */
  readonly code: number;
  /** the signal that ended it, when one did */
  readonly signal: NodeJS.Signals | null;
  /** stdout without its final newline */
  readonly stdout: string;
  /** stderr without its final newline, then (one line each) why we stopped it or why it did not start */
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface RunOptions {
  /** stop it (SIGTERM, then SIGKILL) after this long; none when absent */
  readonly timeoutMs?: number;
  /** written to its stdin, then closed; stdin is /dev/null when absent */
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** the argv[0] it sees (how the single executable knows which part to play) */
  readonly argv0?: string;
  /** stop it once stdout or stderr holds more than this many bytes (execa's maxBuffer default) */
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_BYTES = 100_000_000;

/** How long a process stopped with SIGTERM has before SIGKILL (and before its pipes are let go). */
export const KILL_GRACE_MS = 2000;

export function runProcess(file: string, argv: readonly string[], opts: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve) => {
    const child = spawn(file, argv, {
      env: opts.env ?? process.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(opts.argv0 === undefined ? {} : { argv0: opts.argv0 }),
    });
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    const out = collect(child.stdout, maxBytes, () => stop(`stdout over ${maxBytes} bytes`));
    const err = collect(child.stderr, maxBytes, () => stop(`stderr over ${maxBytes} bytes`));
    const notes: string[] = [];
    let spawnFailed = false;
    let timedOut = false;
    let stopping = false;
    const timers: NodeJS.Timeout[] = [];

    function stop(why: string): void {
      if (stopping) return;
      stopping = true;
      notes.push(`${file}: ${why}`);
      child.kill('SIGTERM');
      // one that ignores SIGTERM, or a grandchild that holds our pipes, must not hang the caller
      timers.push(setTimeout(() => forceEnd(child), KILL_GRACE_MS));
    }
    if (opts.timeoutMs !== undefined) {
      const ms = opts.timeoutMs;
      timers.push(
        setTimeout(() => {
          timedOut = true;
          stop(`timed out after ${ms} ms`);
        }, ms),
      );
    }
    child.on('error', (e) => {
      spawnFailed = true;
      notes.push(e.message);
    });
    child.on('close', (code, signal) => {
      for (const t of timers) clearTimeout(t);
      const stderr = [chomp(err.text()), ...notes].filter((s) => s !== '').join('\n');
      resolve({
        code: spawnFailed || stopping || code === null ? -1 : code,
        signal,
        stdout: chomp(out.text()),
        stderr,
        timedOut,
      });
    });
    if (opts.input !== undefined && child.stdin) {
      // a child that exits without reading its input closes the pipe: EPIPE is its business, not a crash
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}

/** SIGKILL, and let go of the pipes so 'close' comes even if a grandchild still holds them. */
function forceEnd(child: ChildProcess): void {
  child.kill('SIGKILL');
  child.stdout?.destroy();
  child.stderr?.destroy();
}

/** A stream's bytes, up to `maxBytes`; `over` is called once when it passes them. */
function collect(stream: NodeJS.ReadableStream | null, maxBytes: number, over: () => void): { text: () => string } {
  const chunks: Buffer[] = [];
  let size = 0;
  stream?.on('data', (c: Buffer) => {
    if (size > maxBytes) return;
    size += c.length;
    if (size > maxBytes) {
      chunks.push(c.subarray(0, maxBytes - (size - c.length)));
      over();
      return;
    }
    chunks.push(c);
  });
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Output without its final newline, as callers have always been given it (execa strips it too). */
export const chomp = (s: string): string => s.replace(/\r?\n$/, '');
