import type { CheckName } from '../../checks/catalog.js';
import type { ReadRequest } from '../../checks/reader.js';
import { CHECK_IMPLS } from '../../checks/registry.js';
import type { CheckArgs, CheckImpl, SnapshotFacts, Verdict } from '../../checks/verdict.js';
import type { AnyRecord, LogRecord, PayloadByType } from '../log-format.js';
import { resultsByRef } from '../pairs.js';
import { rebuildReads } from './rebuild.js';

/**
 * `talos-dr log replay`: re-decides every recorded check with today's parsers and evaluators,
 * from the raw outputs the journal kept, and lists each verdict that would now come out
 * differently. Pure: the evaluators are injected (tests pass a changed one).
 */

export type Evaluators = Readonly<Record<string, Pick<CheckImpl, 'reads' | 'evaluate'>>>;

export interface ReplayDifference {
  seq: number;
  step: string;
  check: string;
  recorded: PayloadByType['check']['verdict'];
  today: Verdict['verdict'];
  recordedSummary: string;
  todaySummary: string;
}

export interface NotReplayable {
  seq: number;
  step: string;
  check: string;
  reason: string;
}

export interface ReplayReport {
  /** check records seen */
  checks: number;
  agreed: number;
  differences: ReplayDifference[];
  notReplayable: NotReplayable[];
}

function requestsOf(impl: Pick<CheckImpl, 'reads'>, args: CheckArgs): ReadRequest[] {
  try {
    return impl.reads(args);
  } catch {
    return []; // bad arguments: evaluate() turns them into 'unknown' with the reason, as live
  }
}

function snapshotOf(j: unknown): SnapshotFacts | undefined {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return undefined;
  return typeof (j as { path?: unknown }).path === 'string' ? (j as SnapshotFacts) : undefined;
}

export function replayVerdicts(records: readonly AnyRecord[], evaluators: Evaluators = CHECK_IMPLS): ReplayReport {
  // a check's reads are the results its evidence refs name (audit/pairs.ts)
  const results = resultsByRef(records);
  const out: ReplayReport = { checks: 0, agreed: 0, differences: [], notReplayable: [] };
  for (const r of records) {
    if (r.type !== 'check') continue;
    out.checks++;
    const one = replayOne(r, results, evaluators);
    if ('reason' in one) out.notReplayable.push(one);
    else if (one.today === one.recorded) out.agreed++;
    else out.differences.push(one);
  }
  return out;
}

function replayOne(
  r: LogRecord<'check'>,
  results: ReadonlyMap<string, PayloadByType['command-result']>,
  evaluators: Evaluators,
): ReplayDifference | NotReplayable {
  const p = r.payload;
  const base = { seq: r.seq, step: p.step, check: p.name };
  const impl = Object.hasOwn(evaluators, p.name) ? evaluators[p.name as CheckName] : undefined;
  if (!impl) return { ...base, reason: `no check named ${p.name} exists today` };
  if (p.summary.startsWith('assumed:')) return { ...base, reason: 'assumed in a dry run, never evaluated' };
  const args = p.args as CheckArgs;
  const requests = requestsOf(impl, args);
  const evidence = p.evidence ?? [];
  const needsCommands = requests.some((q) => q.kind !== 'revision');
  if (needsCommands && evidence.length === 0)
    return { ...base, reason: 'the record links no raw command outputs (no evidence refs)' };
  const rebuilt = rebuildReads(requests, evidence, results);
  const snapshot = snapshotOf(p.snapshot);
  if (p.name === 'snapshot-verified' && snapshot === undefined)
    return { ...base, reason: 'the record keeps no snapshot facts (size, etcdutl status)' };
  const today = impl.evaluate({ reads: rebuilt.reads, ...(snapshot ? { snapshot } : {}) }, args, p.prevState);
  const diff: ReplayDifference = {
    ...base,
    recorded: p.verdict,
    today: today.verdict,
    recordedSummary: p.summary,
    todaySummary: today.summary,
  };
  if (today.verdict !== p.verdict && (rebuilt.missing.length > 0 || rebuilt.unknownRefs.length > 0)) {
    const gaps = [
      ...rebuilt.missing.map((q) => `${q.kind} of ${q.node}`),
      ...rebuilt.unknownRefs.map((ref) => `ref ${ref}`),
    ];
    return { ...base, reason: `evidence incomplete (${gaps.join(', ')}); today's verdict would be ${today.verdict}` };
  }
  return diff;
}

/** The text of `log replay`. */
export function formatReplay(rep: ReplayReport): string {
  const lines: string[] = [];
  for (const d of rep.differences)
    lines.push(
      `DIFFERS record ${d.seq} step ${d.step} check ${d.check}: recorded ${d.recorded.toUpperCase()}, today ${d.today.toUpperCase()}`,
      `  recorded: ${d.recordedSummary}`,
      `  today:    ${d.todaySummary}`,
    );
  for (const n of rep.notReplayable)
    lines.push(`not replayed: record ${n.seq} step ${n.step} check ${n.check}: ${n.reason}`);
  const verdict =
    rep.differences.length === 0
      ? `all ${rep.agreed} replayed verdicts agree with today's parsers and checks`
      : `${rep.differences.length} of ${rep.agreed + rep.differences.length} replayed verdicts differ today`;
  lines.push(`${verdict} (${rep.checks} check records, ${rep.notReplayable.length} not replayable)`);
  return `${lines.join('\n')}\n`;
}
