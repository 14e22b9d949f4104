// Shared helpers of the benchmarks: timing a child process, medians of interleaved runs, the
// result record written to bench/results.json. Not part of talos-dr itself.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TALOS_DR = `${ROOT}bin/talos-dr`;
export const TALOSCTL_LAB = `${ROOT}bin/talosctl-lab`;
export const STAND_IN = `${ROOT}bench/stand-in/talosctl`;

/** One figure of bench/results.json. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. "<= 1.10" */
  goal: string;
  met: boolean;
  /** how it was measured, in one line (printed, also kept in results.json) */
  detail?: string;
}

export function figure(name: string, value: number, unit: string, goal: string, detail?: string): Figure {
  const m = /^(<=|>=)\s*([\d.]+)$/.exec(goal);
  if (!m) throw new Error(`bad goal ${goal}`);
  const limit = Number(m[2]);
  const met = m[1] === '<=' ? value <= limit : value >= limit;
  return { name, value: round(value), unit, goal, met, ...(detail === undefined ? {} : { detail }) };
}

export const round = (x: number): number => Math.round(x * 1000) / 1000;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** VmHWM of the child itself (KiB), read from /proc just before it is reaped; 0 if unknown */
  peakKiB: number;
}

export interface SpawnOpts {
  env?: Record<string, string>;
  cwd?: string;
  /** sample /proc/<pid>/status every this many ms and keep the highest VmHWM */
  samplePeakMs?: number;
}

/** Runs argv (never a shell string), timing from spawn to exit; never throws on a non-zero exit. */
export function timeProcess(argv: readonly string[], opts: SpawnOpts = {}): Promise<Timed> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) throw new Error('empty argv');
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let peakKiB = 0;
    const sample = (): void => {
      if (child.pid !== undefined) peakKiB = Math.max(peakKiB, vmHwmKiB(child.pid));
    };
    const timer = opts.samplePeakMs === undefined ? undefined : setInterval(sample, opts.samplePeakMs);
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearInterval(timer);
      resolve({ ms: performance.now() - t0, code, stdout, stderr, peakKiB });
    });
  });
}

/** VmHWM (peak resident set) of one process in KiB, 0 when it is gone. */
export function vmHwmKiB(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/**
 * Runs each variant `rounds` times, interleaved (A B A B … with the order flipped every round,
 * so drift in machine load hits both alike), after `warmup` untimed rounds; returns the times.
 */
export async function interleave<K extends string>(
  variants: Record<K, () => Promise<number>>,
  rounds: number,
  warmup = 1,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(variants) as K[];
  const out = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let r = 0; r < warmup + rounds; r++) {
    const order = r % 2 === 0 ? keys : [...keys].reverse();
    for (const k of order) {
      const ms = await variants[k]();
      if (r >= warmup) out[k].push(ms);
    }
  }
  return out;
}

/** Runs a process and fails loudly when it does not exit 0: a benchmark of a failure is no benchmark. */
export async function mustRun(argv: readonly string[], opts: SpawnOpts = {}): Promise<Timed> {
  const t = await timeProcess(argv, opts);
  if (t.code !== 0) {
    throw new Error(`${argv.join(' ')} exited ${t.code}\n${t.stdout.slice(-2000)}\n${t.stderr.slice(-2000)}`);
  }
  return t;
}

export const log = (s: string): void => {
  process.stderr.write(`bench: ${s}\n`);
};
