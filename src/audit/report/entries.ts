import type { Json } from '../../checks/verdict.js';
import type { AnyRecord, LogRecord } from '../log-format.js';
import type { CommandEntry, Header, Outcome } from './model.js';

/** The report's entries built from single records or pairs: the run's header, a call, the outcome. Pure. */

function paramText(v: Json): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(',');
  return JSON.stringify(v);
}

export function headerOf(r: AnyRecord | undefined): Header | null {
  if (r?.type !== 'run-start') return null;
  const p = r.payload;
  const nodesParam = p.params.nodes;
  const nodes = Array.isArray(nodesParam)
    ? nodesParam.map(String)
    : typeof nodesParam === 'string'
      ? nodesParam.split(',')
      : [];
  return {
    runbook: p.runbook,
    runbookSha256: p.runbookSha256,
    operator: p.operator,
    host: p.host,
    startedAt: r.time,
    toolVersion: p.toolVersion,
    talosctlVersion: p.talosctlVersion,
    dryRun: p.dryRun,
    nodes,
    params: Object.entries(p.params).map(([name, value]) => ({ name, value: paramText(value) })),
  };
}

/**
 * One call of the timeline from its pair (audit/pairs.ts): an intent with its result, an intent
 * with none (outcome unknown), or a read's result alone (placed where the result was written).
 */
export function commandEntry(
  intent: LogRecord<'command-intent'> | undefined,
  result: LogRecord<'command-result'> | undefined,
): CommandEntry {
  const first = intent ?? result;
  if (first === undefined) throw new Error('a call needs an intent or a result');
  const e: CommandEntry = {
    kind: 'command',
    seq: first.seq,
    time: first.time,
    step: first.payload.step,
    argv: first.payload.argv,
    node: first.payload.node,
    effect: intent?.payload.effect ?? 'read',
    exitCode: null,
    durationMs: null,
    timedOut: false,
    stdout: '',
    stderr: '',
    status: 'no result',
  };
  if (result === undefined) return e;
  const p = result.payload;
  e.resultSeq = result.seq;
  e.exitCode = p.exitCode;
  e.durationMs = p.durationMs;
  e.timedOut = p.timedOut;
  if (p.notAsked !== undefined) e.notAsked = p.notAsked;
  e.stdout = p.stdout;
  e.stderr = p.stderr;
  if (p.parseError !== undefined) e.parseError = p.parseError;
  if (p.ref !== undefined) e.ref = p.ref;
  e.status = p.timedOut ? 'timed out' : p.exitCode === 0 ? 'ok' : 'failed';
  return e;
}

/** How the run ended (its last run-end) and how long from the start it took. */
export function outcomeOf(records: readonly AnyRecord[], header: Header | null): Outcome {
  const ends = records.filter((r): r is LogRecord<'run-end'> => r.type === 'run-end');
  const last = ends[ends.length - 1];
  return last
    ? {
        outcome: last.payload.outcome,
        exitCode: last.payload.exitCode,
        endedAt: last.time,
        timeToRecoverMs: header ? Date.parse(last.time) - Date.parse(header.startedAt) : null,
      }
    : { outcome: null, exitCode: null, endedAt: null, timeToRecoverMs: null };
}
