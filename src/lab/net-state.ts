import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { NetFault } from './net-rules.js';
import { writeJsonAtomic } from './state.js';

/**
 * The network faults' files in the lab dir: what `lab inject`/`lab heal` ask for (desired, with a
 * generation), what the supervisor applied (the same generation, ok or the error), and the
 * flap-leader history. The CLI writes the first, the supervisor the other two; both write atomically.
 */

export interface FlapSpec {
  readonly cutMs: number;
  readonly everyMs: number;
}

export interface NetDesired {
  readonly generation: number;
  /** by member name */
  readonly nodes: Readonly<Record<string, NetFault>>;
  readonly flap: FlapSpec | null;
}

export interface NetApplied {
  readonly generation: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly at: string;
  /** the table exists (some fault is in force right now) */
  readonly table: boolean;
  readonly rules: number;
  readonly relays: number;
}

export interface FlapRecord {
  readonly at: string;
  readonly node: string;
  readonly ip: string;
  readonly event: 'cut' | 'restore';
}

export const netPaths = (dir: string) => ({
  desired: join(dir, 'net-faults.json'),
  applied: join(dir, 'net-applied.json'),
  flaps: join(dir, 'net-flaps.jsonl'),
  lock: join(dir, 'net-faults.lock'),
});

export const NO_NET_FAULTS: NetDesired = { generation: 0, nodes: {}, flap: null };

function readJson<T>(path: string): T | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return null;
  }
}

export const readDesired = (dir: string): NetDesired => readJson<NetDesired>(netPaths(dir).desired) ?? NO_NET_FAULTS;
export const readApplied = (dir: string): NetApplied | null => readJson<NetApplied>(netPaths(dir).applied);
export const writeDesired = (dir: string, d: NetDesired): void => writeJsonAtomic(netPaths(dir).desired, d);
export const writeApplied = (dir: string, a: NetApplied): void => writeJsonAtomic(netPaths(dir).applied, a);

/** A lab that starts or stops has no network fault: the desired, applied and flap files go. */
export function clearNetFiles(dir: string): void {
  const p = netPaths(dir);
  for (const f of [p.desired, p.applied, p.flaps]) rmSync(f, { force: true });
}

export function appendFlap(dir: string, rec: FlapRecord): void {
  appendFileSync(netPaths(dir).flaps, `${JSON.stringify(rec)}\n`);
}

export function readFlaps(dir: string): FlapRecord[] {
  let text: string;
  try {
    text = readFileSync(netPaths(dir).flaps, 'utf8');
  } catch {
    return [];
  }
  // a supervisor killed mid-append leaves a torn last line: it loses that flap, not the history
  return text.split('\n').flatMap((l) => {
    if (l.trim() === '') return [];
    try {
      return [JSON.parse(l) as FlapRecord];
    } catch {
      return [];
    }
  });
}

/** Whether a desired state asks for nothing (heal wrote it, or no fault was ever injected). */
export const isClear = (d: NetDesired): boolean => Object.keys(d.nodes).length === 0 && d.flap === null;

/** One line per fault in force, for `lab status`. */
export function describeDesired(d: NetDesired): string[] {
  const out = Object.entries(d.nodes).map(([name, f]) => `${name}: ${describeFault(f)}`);
  if (d.flap) out.push(`flap-leader: the leader is cut off for ${d.flap.cutMs} ms every ${d.flap.everyMs} ms`);
  return out;
}

export function describeFault(f: NetFault): string {
  switch (f.kind) {
    case 'partition':
      return 'partition (peer traffic dropped both ways)';
    case 'partition-oneway':
      return 'partition-oneway (what it sends to peers is dropped)';
    case 'latency':
      return `latency +${f.ms} ms round trip to every peer`;
    case 'loss':
      return `loss ${f.percent}% of peer packets, both ways`;
  }
}

/** `lab status`'s network section: faults in force, the supervisor's last error, the last flaps. */
export function netStatusLines(dir: string, supervisorRunning: boolean): string[] {
  const d = readDesired(dir);
  const a = readApplied(dir);
  // without the supervisor its nft process is gone, and the kernel took the table with it
  const head = supervisorRunning ? 'network faults:' : 'network faults (NOT in force: the supervisor is not running):';
  const out = isClear(d) ? [] : [head, ...describeDesired(d).map((l) => `  ${l}`)];
  if (a && !a.ok) out.push(`network faults NOT applied (generation ${a.generation}): ${a.error ?? '?'}`);
  const flaps = readFlaps(dir).slice(-6);
  if (flaps.length) out.push('recent flaps:', ...flaps.map((f) => `  ${f.at} ${f.event} ${f.node} (${f.ip})`));
  return out;
}
