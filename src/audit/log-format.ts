import { hash } from 'node:crypto';
import type { Json } from '../checks/verdict.js';
import type { SigningInfo } from './sign.js';

/**
 * The execution log's format: JSON Lines, one hash-chained record per event. Shared by the writer
 * (engine/journal.ts), the verifier (audit/verify.ts) and the readers (log show, resume).
 * A record's hash is SHA-256 over the canonical JSON (keys sorted, no spaces) of
 * {v, seq, time, type, payload, prev}; prev is the previous record's hash (64 zeros first).
 */

export const LOG_VERSION = 1;
export const GENESIS = '0'.repeat(64);

/** The command registry's classes; 'mutating' is what logs written before it say for 'disruptive'. */
export type Effect = 'read' | 'local-write' | 'disruptive' | 'irreversible' | 'mutating';
export type DeviationKind =
  | 'retry'
  | 'skip'
  | 'override'
  | 'flag-approval'
  | 'outcome-unknown'
  | 'resume'
  | 'drill-operator'
  /** the argv resolved at run time needed more than the compiled step: not run */
  | 'refused';

/** Payload of each record type: the discriminated union of the log. */
export interface PayloadByType {
  'run-start': {
    runbook: string;
    runbookSha256: string;
    params: Record<string, Json>;
    /** where a param's value came from, in words (e.g. a snapshot fetched from a backup) */
    paramSources?: Record<string, string>;
    operator: string;
    host: string;
    toolVersion: string;
    talosctlVersion: string | null;
    dryRun: boolean;
    /** how talosctl was reached, so `resume` reaches the same cluster */
    target?: { talosctl: string; talosconfig: string | null; context: string | null; endpoints: string[] };
    /** which cluster the run locked, as read from it (engine/cluster-identity.ts); resume compares */
    cluster?: {
      source: 'talos-cluster-id' | 'etcd-member-ids' | 'addresses';
      value: string;
      readFrom: string[];
      warning?: string;
    };
    /** where the run leaves its checkpoints' heads (audit/witness.ts), when it does */
    witness?: { headsDir: string; syslog: boolean; url: string | null };
    /** present when the run signs its checkpoints (written by Journal when given a Signer) */
    signing?: SigningInfo;
  };
  'step-start': { step: string; kind: string; title?: string };
  'command-intent': { step: string; argv: string[]; node: string | null; effect: Effect };
  'command-result': {
    step: string;
    argv: string[];
    node: string | null;
    exitCode: number | null;
    durationMs: number;
    stdout: string;
    stderr: string;
    timedOut: boolean;
    /**
     * the call was never made: the node timed out earlier in this read-only run and is not waited
     * on again (with `timedOut: true`, so the read counts as a timeout everywhere)
     */
    notAsked?: string;
    /** the call was cut short (step timeout, Ctrl-C): a change's outcome is unknown, not failed */
    interrupted?: boolean;
    /** id that checks' evidence links point to */
    ref?: string;
    parsed?: Json;
    parseError?: string;
  };
  check: {
    step: string;
    name: string;
    args: Record<string, Json>;
    observed: Record<string, Json>;
    verdict: 'pass' | 'fail' | 'unknown';
    summary: string;
    /** refs (command-result `ref`) of the reads the verdict was computed from: what `log replay` re-parses */
    evidence?: string[];
    /** the `prev` state the evaluation was given (waits that count polls, e.g. raft-converged) */
    prevState?: Json;
    /** snapshot-verified: the file facts observed (size, etcdutl status), which no command-result holds */
    snapshot?: Json;
  };
  /** a read step's derived outputs (what later steps reference), so resume can replay them */
  observation: {
    step: string;
    name: string;
    args: Record<string, Json>;
    ok: boolean;
    outputs: Record<string, Json>;
    summary: string;
    evidence?: string[];
  };
  'approval-request': { step: string; prompt: string; fingerprint: string; token: string };
  approval: {
    step: string;
    who: string;
    how: 'tty' | 'flag';
    when: string;
    fingerprint: string;
    approved: boolean;
    /** the node or member id the gate showed (absent in logs written before approvals named it) */
    target?: string;
  };
  'approval-voided': { step: string; fingerprint: string; reason: string };
  deviation: { step: string | null; kind: DeviationKind; detail: string };
  'step-end': { step: string; outcome: string };
  /** `unanswered`: the nodes whose last call in the run timed out (absent when none, and in older logs) */
  'run-end': { outcome: string; exitCode: number; unanswered?: string[] };
}

export type RecordType = keyof PayloadByType;

/** fsync after these: a mutating intent or result, an approval, the run's ends must survive a crash. */
export const RECORD_TYPES: Readonly<Record<RecordType, { durable: boolean }>> = {
  'run-start': { durable: true },
  'step-start': { durable: false },
  'command-intent': { durable: true },
  'command-result': { durable: true },
  check: { durable: false },
  observation: { durable: false },
  'approval-request': { durable: false },
  approval: { durable: true },
  'approval-voided': { durable: true },
  deviation: { durable: true },
  'step-end': { durable: false },
  'run-end': { durable: true },
};

export function isRecordType(t: string): t is RecordType {
  return Object.hasOwn(RECORD_TYPES, t);
}

export interface LogRecord<T extends RecordType = RecordType> {
  v: number;
  seq: number;
  time: string;
  type: T;
  payload: PayloadByType[T];
  prev: string;
  hash: string;
  /** `ed25519:<base64>` over `hash` on signed checkpoints (audit/checkpoints.ts); not covered by `hash` */
  sig?: string;
}

export type AnyRecord = { [T in RecordType]: LogRecord<T> }[RecordType];

/** JSON with object keys sorted at every depth and no whitespace: the bytes that are hashed. */
export function canonicalJson(value: unknown): string {
  // Parsed log lines already have their keys in order: then the engine's own JSON.stringify gives
  // the same bytes, several times faster than building them (log verify reads every record).
  if (alreadyCanonical(value)) return JSON.stringify(value);
  return buildCanonical(value);
}

/**
 * Whether JSON.stringify(value) is the canonical form: only JSON values (plain objects, arrays,
 * strings, numbers, booleans, null; no undefined, no toJSON) and every object's keys in sorted
 * order (Object.keys is the order JSON.stringify writes them in).
 */
function alreadyCanonical(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      break;
    default:
      return false;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!(i in value) || !alreadyCanonical(value[i])) return false;
    return true;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    if (i > 0 && !((keys[i - 1] as string) < k)) return false;
    if (!alreadyCanonical(o[k])) return false;
  }
  return true;
}

function buildCanonical(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    if (s === undefined) throw new TypeError(`cannot serialise ${typeof value} in a log record`);
    return s;
  }
  if (Array.isArray(value)) return `[${value.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function hashRecord(r: Pick<LogRecord, 'v' | 'seq' | 'time' | 'type' | 'payload' | 'prev'>): string {
  return hashRecordWith(r, canonicalJson(r.payload));
}

/**
 * hashRecord with the payload's canonical JSON already made: the body is canonicalJson of
 * {payload, prev, seq, time, type, v} (keys in sorted order), written out directly.
 */
export function hashRecordWith(
  r: Pick<LogRecord, 'v' | 'seq' | 'time' | 'type' | 'prev'>,
  payloadJson: string,
): string {
  const body = `{"payload":${payloadJson},"prev":${JSON.stringify(r.prev)},"seq":${JSON.stringify(r.seq)},"time":${JSON.stringify(r.time)},"type":${JSON.stringify(r.type)},"v":${JSON.stringify(r.v)}}`;
  return hash('sha256', body, 'hex'); // one-shot: no Hash object per record (log verify hashes 100,000s)
}

/** The one line a record is written as (no newline). Readable field order; payload canonical. */
export function formatRecordLine(r: LogRecord): string {
  return formatRecordLineWith(r, canonicalJson(r.payload));
}

/** formatRecordLine with the payload's canonical JSON already made (log verify makes it once per record). */
export function formatRecordLineWith(r: Omit<LogRecord, 'payload'>, payloadJson: string): string {
  const sig = r.sig === undefined ? '' : `,"sig":${JSON.stringify(r.sig)}`;
  return `{"v":${r.v},"seq":${r.seq},"time":${JSON.stringify(r.time)},"type":${JSON.stringify(r.type)},"payload":${payloadJson},"prev":${JSON.stringify(r.prev)},"hash":${JSON.stringify(r.hash)}${sig}}`;
}

/** Builds the next record of a chain. */
export function makeRecord<T extends RecordType>(
  type: T,
  payload: PayloadByType[T],
  at: { seq: number; time: string; prev: string },
): LogRecord<T> {
  const base = { v: LOG_VERSION, seq: at.seq, time: at.time, type, payload, prev: at.prev };
  return { ...base, hash: hashRecord(base) };
}
