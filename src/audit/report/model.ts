import type { Json } from '../../checks/verdict.js';
import type { AnyRecord, Effect } from '../log-format.js';
import { pairApprovals, pairCommands } from '../pairs.js';
import { summarizeRecord } from '../timeline.js';
import type { SignatureCheck } from '../verify-signatures.js';
import { buildDeviations, type Deviation } from './deviations.js';
import { commandEntry, headerOf, outcomeOf } from './entries.js';

/**
 * The auditor's report as one pure value built from a log's records and its verification
 * results; the text, Markdown, HTML and JSON renderers only lay it out. Commands and their
 * intents, approvals and their requests are paired by the one record model (audit/pairs.ts);
 * here: the command an approval authorised and the checks seen before it (its evidence).
 */

export type { Deviation } from './deviations.js';

export interface Integrity {
  records: number;
  chain: { ok: true; head: string } | { ok: false; firstBadSeq: number; reason: string };
  /** the log ends with a run-end */
  complete: boolean;
  signatures: SignatureCheck;
  unreadableLines: { line: number; reason: string }[];
}

export interface Header {
  runbook: string;
  runbookSha256: string;
  operator: string;
  host: string;
  startedAt: string;
  toolVersion: string;
  talosctlVersion: string | null;
  dryRun: boolean;
  nodes: string[];
  params: { name: string; value: string }[];
}

export interface CommandEntry {
  kind: 'command';
  seq: number;
  time: string;
  step: string;
  argv: string[];
  node: string | null;
  effect: Effect;
  /** seq of the result; undefined when the intent has no result (outcome unknown) */
  resultSeq?: number;
  exitCode: number | null;
  durationMs: number | null;
  timedOut: boolean;
  /** never run: the node had timed out earlier in this read-only run */
  notAsked?: string;
  stdout: string;
  stderr: string;
  parseError?: string;
  ref?: string;
  status: 'ok' | 'failed' | 'timed out' | 'no result';
}

export interface CheckEntry {
  kind: 'check';
  seq: number;
  time: string;
  step: string;
  name: string;
  verdict: 'pass' | 'fail' | 'unknown';
  summary: string;
  args: Record<string, Json>;
  observed: Record<string, Json>;
  evidence: string[];
  /** a choice's evaluation is the branch it took, answered yes or no: not a pass or a FAIL */
  answer?: 'yes' | 'no';
}

export interface ApprovalEntry {
  kind: 'approval';
  seq: number;
  time: string;
  step: string;
  prompt: string;
  token: string;
  fingerprint: string;
  answer?: { seq: number; who: string; how: 'tty' | 'flag'; when: string; approved: boolean; fingerprint: string };
  voided?: { seq: number; time: string; reason: string };
  /** the first change made after this approval */
  authorises?: { seq: number; argv: string[]; node: string | null; effect: Effect };
  /** the last verdict of each check seen since the previous approval */
  evidence: { seq: number; step: string; name: string; verdict: string; summary: string }[];
}

export type Entry =
  | { kind: 'step'; seq: number; time: string; step: string; stepKind: string; title?: string }
  | { kind: 'step-end'; seq: number; time: string; step: string; outcome: string }
  | CommandEntry
  | CheckEntry
  | ApprovalEntry
  | { kind: 'deviation'; seq: number; time: string; step: string | null; deviation: string; detail: string }
  | { kind: 'end'; seq: number; time: string; outcome: string; exitCode: number }
  | { kind: 'note'; seq: number; time: string; text: string };

export interface Outcome {
  outcome: string | null;
  exitCode: number | null;
  endedAt: string | null;
  /** run-start → last run-end */
  timeToRecoverMs: number | null;
}

export interface Report {
  header: Header | null;
  integrity: Integrity;
  outcome: Outcome;
  deviations: Deviation[];
  approvals: ApprovalEntry[];
  timeline: Entry[];
}

export function buildReport(records: readonly AnyRecord[], integrity: Integrity): Report {
  const timeline: Entry[] = [];
  const approvals: ApprovalEntry[] = [];
  // each intent's entry carries its result; a result no intent waits for is a read of its own
  const paired = new Set<number>();
  const intents = new Map<number, CommandEntry>();
  for (const pair of pairCommands(records)) {
    if (pair.intent === undefined) continue;
    intents.set(pair.intent.seq, commandEntry(pair.intent, pair.result));
    if (pair.result) paired.add(pair.result.seq);
  }
  const requestOf = pairApprovals(records);
  const bySeq = new Map<number, ApprovalEntry>();
  let sinceApproval: CheckEntry[] = [];
  let awaitingChange: ApprovalEntry | undefined;
  const stepKinds = new Map<string, string>();
  for (const r of records) {
    const at = { seq: r.seq, time: r.time };
    switch (r.type) {
      case 'run-start':
        if (r.seq !== 1) timeline.push({ kind: 'note', ...at, text: summarizeRecord(r) });
        break;
      case 'step-start':
        stepKinds.set(r.payload.step, r.payload.kind);
        timeline.push({
          kind: 'step',
          ...at,
          step: r.payload.step,
          stepKind: r.payload.kind,
          ...(r.payload.title ? { title: r.payload.title } : {}),
        });
        break;
      case 'step-end':
        timeline.push({ kind: 'step-end', ...at, step: r.payload.step, outcome: r.payload.outcome });
        break;
      case 'command-intent': {
        const p = r.payload;
        timeline.push(intents.get(r.seq) ?? commandEntry(r, undefined));
        if (awaitingChange && p.effect !== 'read') {
          awaitingChange.authorises = { seq: r.seq, argv: p.argv, node: p.node, effect: p.effect };
          awaitingChange = undefined;
        }
        break;
      }
      case 'command-result':
        if (!paired.has(r.seq)) timeline.push(commandEntry(undefined, r));
        break;
      case 'check': {
        const p = r.payload;
        const e: CheckEntry = {
          kind: 'check',
          ...at,
          step: p.step,
          name: p.name,
          verdict: p.verdict,
          summary: p.summary,
          args: p.args,
          observed: p.observed,
          evidence: p.evidence ?? [],
          ...(stepKinds.get(p.step) === 'choice' && p.verdict !== 'unknown'
            ? { answer: p.verdict === 'pass' ? ('yes' as const) : ('no' as const) }
            : {}),
        };
        timeline.push(e);
        sinceApproval = [...sinceApproval.filter((c) => c.step !== e.step || c.name !== e.name), e];
        break;
      }
      case 'approval-request': {
        const p = r.payload;
        const e: ApprovalEntry = {
          kind: 'approval',
          ...at,
          step: p.step,
          prompt: p.prompt,
          token: p.token,
          fingerprint: p.fingerprint,
          evidence: sinceApproval.map((c) => ({
            seq: c.seq,
            step: c.step,
            name: c.name,
            verdict: c.verdict,
            summary: c.summary,
          })),
        };
        timeline.push(e);
        approvals.push(e);
        bySeq.set(r.seq, e);
        break;
      }
      case 'approval': {
        const p = r.payload;
        const request = requestOf.get(r.seq);
        const req = request === undefined ? undefined : bySeq.get(request.seq);
        const answer = {
          seq: r.seq,
          who: p.who,
          how: p.how,
          when: p.when,
          approved: p.approved,
          fingerprint: p.fingerprint,
        };
        if (req) req.answer = answer;
        else {
          const orphan: ApprovalEntry = {
            kind: 'approval',
            ...at,
            step: p.step,
            prompt: '(no request recorded)',
            token: '',
            fingerprint: p.fingerprint,
            answer,
            evidence: [],
          };
          timeline.push(orphan);
          approvals.push(orphan);
        }
        const entry = req ?? approvals[approvals.length - 1];
        awaitingChange = p.approved ? entry : undefined;
        sinceApproval = [];
        break;
      }
      case 'approval-voided': {
        const p = r.payload;
        const a = [...approvals]
          .reverse()
          .find((x) => x.step === p.step && x.fingerprint === p.fingerprint && !x.voided);
        if (a) a.voided = { seq: r.seq, time: r.time, reason: p.reason };
        if (awaitingChange === a) awaitingChange = undefined;
        timeline.push({
          kind: 'note',
          ...at,
          text: `approval of ${p.step} (record ${a?.seq ?? '?'}) voided: ${p.reason}`,
        });
        break;
      }
      case 'deviation':
        timeline.push({
          kind: 'deviation',
          ...at,
          step: r.payload.step,
          deviation: r.payload.kind,
          detail: r.payload.detail,
        });
        break;
      case 'run-end':
        timeline.push({ kind: 'end', ...at, outcome: r.payload.outcome, exitCode: r.payload.exitCode });
        break;
      default:
        timeline.push({ kind: 'note', ...at, text: summarizeRecord(r) });
    }
  }
  const header = headerOf(records[0]);
  const outcome = outcomeOf(records, header);
  return { header, integrity, outcome, deviations: buildDeviations(timeline), approvals, timeline };
}
