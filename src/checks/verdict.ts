import type { CheckName } from './catalog.js';
import { type ClusterReader, type ClusterReads, gatherReads, type ReadRequest, type SnapshotReader } from './reader.js';

/**
 * The shape every check shares: which reads it needs, how it observes (the only effectful part),
 * a pure evaluation into a Verdict, and one line for people. The engine calls them through
 * runCheck (registry.ts); runbooks name them by CheckName.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Argument values as the runbook resolver hands them over (already type-checked by the validator). */
export type ArgValue = string | number | boolean | readonly string[];
export type CheckArgs = Readonly<Record<string, ArgValue | undefined>>;

export interface Verdict {
  verdict: 'pass' | 'fail' | 'unknown';
  /** what was seen, for the log (small, JSON) */
  observed: Record<string, Json>;
  /** one sentence a stressed responder understands */
  summary: string;
  /** what the check waits for, e.g. "every member knows leader X" */
  expected: string;
  /** state to pass back as `prev` on the next poll (raft-converged counts consecutive polls) */
  state?: Json;
  /** raw refs of the commands that produced the observation */
  evidence?: string[];
}

/** What observe() gathered: cluster reads, plus the snapshot file facts for snapshot-verified. */
export interface Observed {
  reads: ClusterReads;
  snapshot?: SnapshotFacts;
}

export interface SnapshotFacts {
  path: string;
  stat: { bytes: number } | null;
  status: { hash: string; revision: number; totalKeys: number; totalSize: number } | { error: string } | null;
}

export interface CheckPorts {
  cluster: ClusterReader;
  /** needed by snapshot-verified only */
  snapshots?: SnapshotReader;
}

export interface CheckImpl {
  name: CheckName;
  reads(args: CheckArgs): ReadRequest[];
  observe(ports: CheckPorts, args: CheckArgs): Promise<Observed>;
  /** pure; never throws (bad arguments or odd inputs give 'unknown' with the reason) */
  evaluate(observed: Observed, args: CheckArgs, prev?: Json): Verdict;
  describe(verdict: Verdict): string;
}

/** A bad or missing argument, turned into an 'unknown' verdict by defineCheck. */
export class CheckArgError extends Error {}

const numberFormat = new Intl.NumberFormat('en-US');

/** Numbers with thousands separators: 1,204. */
export function fmt(n: number): string {
  return numberFormat.format(n);
}

/** "1 member" / "2 members". */
export function plural(n: number, word: string): string {
  return `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** "a", "a and b", "a, b and c". */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function describeVerdict(v: Verdict): string {
  const head = `${v.verdict.toUpperCase()}: ${v.summary}`;
  return v.verdict === 'pass' ? head : `${head} (expected ${v.expected})`;
}

export function nodesArg(args: CheckArgs, key = 'nodes'): string[] {
  const v = args[key];
  if (typeof v === 'string' && v !== '') return v.split(',').map((s) => s.trim());
  if (Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string' && s !== '')) return [...v];
  throw new CheckArgError(`argument "${key}" must be a non-empty list of nodes`);
}

export function optionalNodesArg(args: CheckArgs, key = 'nodes'): string[] {
  return args[key] === undefined ? [] : nodesArg(args, key);
}

export function stringArg(args: CheckArgs, key: string): string {
  const v = args[key];
  if (typeof v === 'string' && v !== '') return v;
  throw new CheckArgError(`argument "${key}" must be a non-empty string`);
}

export function numberArg(args: CheckArgs, key: string, fallback?: number): number {
  const v = args[key];
  if (v === undefined && fallback !== undefined) return fallback;
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return n;
  throw new CheckArgError(`argument "${key}" must be a number ≥ 0`);
}

export function memberArg(args: CheckArgs, key = 'member'): string {
  const v = stringArg(args, key).toLowerCase();
  if (/^[0-9a-f]{16}$/.test(v)) return v;
  throw new CheckArgError(`argument "${key}" must be an etcd member id of 16 hex digits, got ${JSON.stringify(v)}`);
}

type CheckDef = Omit<CheckImpl, 'describe' | 'observe'> & Partial<Pick<CheckImpl, 'describe' | 'observe'>>;

/**
 * Completes a check definition: the default observe (gather its reads), the default describe, and
 * an evaluate that never throws.
 */
export function defineCheck(def: CheckDef): CheckImpl {
  return {
    name: def.name,
    reads: def.reads,
    observe: def.observe ?? (async (ports, args) => ({ reads: await gatherReads(ports.cluster, def.reads(args)) })),
    describe: def.describe ?? describeVerdict,
    evaluate(observed, args, prev) {
      try {
        return def.evaluate(observed, args, prev);
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        return {
          verdict: 'unknown',
          observed: {},
          summary:
            e instanceof CheckArgError ? `check ${def.name}: ${why}` : `check ${def.name} could not evaluate: ${why}`,
          expected: 'valid arguments and observations',
        };
      }
    },
  };
}
