import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { AnyRecord } from '../../src/audit/log-format.js';
import { logVerify } from '../../src/audit/log-verify.js';
import { verifyJournal } from '../../src/audit/verify.js';
import { lintRunbook } from '../../src/compile/lint.js';
import { createRunEvents } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { parseParams } from '../../src/engine/params.js';
import { PromptInterrupted } from '../../src/engine/prompter.js';
import { executeRun, type RunResult } from '../../src/engine/run.js';
import { createRunReplay, gateIds } from '../../src/engine/session.js';
import { allSteps, isRef, type Runbook } from '../../src/runbook/model.js';
import type { Value } from '../../src/runbook/params.js';
import { classify } from '../../src/talos/commands.js';
import { F_NODES, type FakeState, fakeState } from '../../test/helpers/fake-talosctl.js';
import { attemptViolations, expectedTarget, repeatViolations } from './crash-property-check.js';
import { cloneState, type FaultyTalosctl, faultyTalosctl } from './crash-property-fake.js';
import {
  type ApproveDraw,
  type Case,
  type Crash,
  cases,
  MEMBER,
  PARAMS,
  type ProcessRun,
  runbookText,
} from './crash-property-gen.js';

/**
 * Issue #14's property: generated runbooks × crash points × talosctl outcomes. A case runs the
 * runbook once (no terminal, --approve for a drawn subset of gates, some as step@target), then
 * cuts its log after a drawn record — a crash there; the cluster is as the calls made before
 * the crash left it, a change in flight taking effect or not — and resumes with another --approve
 * set, other outcomes and drift; sometimes twice. The invariants (crash-property-check.ts) are
 * read from the argv that reached the stand-in and from each process run's journal; every log
 * must pass `log verify`, every run end with a documented exit code, nothing may throw.
 */

export const EXIT_CODES: ReadonlySet<number> = new Set([0, 1, 3, 4, 5, 130]);
const STEP_READ_TIMEOUT_MS = 60;
const nobody = { interactive: false, input: () => Promise.reject(new PromptInterrupted('no terminal')) };
const nullOut = { stdout: { write: () => true }, stderr: { write: () => true } };

/** The value `--approve <id>@<target>` must name for gate `id` (a node in a foreach). */
function gateTarget(runbook: Runbook, params: Record<string, Value>, id: string, node: string): string | undefined {
  const steps = allSteps(runbook.steps);
  const i = steps.findIndex((s) => s.id === id);
  const step = steps[i];
  const talos = step?.kind === 'talosctl' ? step : step?.kind === 'confirm' ? steps[i + 1] : undefined;
  if (step?.kind === 'confirm' && step.token === undefined && talos?.kind !== 'talosctl') return undefined;
  if (talos?.kind !== 'talosctl') return expectedTarget(runbook, params, id, { node, args: [] });
  const t = talos.target?.value;
  const at = t !== undefined && !isRef(t) && typeof t === 'string' ? t : node;
  const args = talos.argv.map((a) => (isRef(a) ? (a.ref === 'params.member' ? MEMBER : '?') : a));
  return expectedTarget(runbook, params, id, { node: at, args });
}

function approveList(runbook: Runbook, params: Record<string, Value>, d: ApproveDraw): string[] {
  const ids = gateIds(runbook);
  if (d.kind === 'none' || ids.length === 0) return [];
  if (d.kind === 'all') return ids;
  return d.picks.map((p) => {
    const id = ids[p.gate % ids.length] as string;
    if (p.form === 'bare') return id;
    const target = gateTarget(runbook, params, id, F_NODES[p.node] as string);
    return p.form === 'at-wrong' || target === undefined ? `${id}@10.9.9.9` : `${id}@${target}`;
  });
}

interface ProcessRunResult {
  result: RunResult | undefined;
  thrown: string | undefined;
  records: AnyRecord[];
  start: number;
  calls: FaultyTalosctl['calls'];
  initial: FakeState;
  verifyExit: number;
}

async function processRun(
  lint: Extract<ReturnType<typeof lintRunbook>, { ok: true }>,
  params: Record<string, Value>,
  log: string,
  resume: boolean,
  state: FakeState,
  run: ProcessRun,
): Promise<ProcessRunResult> {
  const opened = resume ? Journal.resume(log) : { journal: Journal.create(log), records: [] as AnyRecord[] };
  const { journal } = opened;
  let length = opened.records.length;
  let approvals = 0;
  const append = journal.append.bind(journal);
  journal.append = ((type, payload) => {
    const r = append(type, payload);
    length++;
    if (type === 'approval' && (payload as { approved?: boolean }).approved === true) approvals++;
    return r;
  }) as Journal['append'];
  const initial = cloneState(state);
  const fake = faultyTalosctl(
    state,
    { faults: new Map(run.faults.map((f) => [f.at, f.fault])), drift: run.drift },
    { length: () => length, approvals: () => approvals },
  );
  const start = length;
  if (resume)
    journal.append('deviation', { step: null, kind: 'resume', detail: 'crash property: resumed after a cut' });
  else
    journal.append('run-start', {
      runbook: 'crash-property.yaml',
      runbookSha256: '0'.repeat(64),
      params: JSON.parse(JSON.stringify(params)),
      operator: 'property',
      host: 'h',
      toolVersion: '0',
      talosctlVersion: null,
      dryRun: false,
    });
  let result: RunResult | undefined;
  let thrown: string | undefined;
  try {
    result = await executeRun({
      runbook: lint.runbook,
      compiled: lint.compiled,
      params,
      talosctl: fake,
      journal,
      events: createRunEvents(),
      prompter: nobody,
      policy: {
        interactive: false,
        preApproved: new Set(approveList(lint.runbook, params, run.approve)),
        operator: 'property',
      },
      dryRun: false,
      signal: new AbortController().signal,
      readTimeoutMs: STEP_READ_TIMEOUT_MS,
      ...(resume ? { replay: createRunReplay(lint.runbook, opened.records) } : {}),
    });
  } catch (e) {
    thrown = e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  journal.close();
  const v = verifyJournal(readFileSync(log, 'utf8'));
  return {
    result,
    thrown,
    records: v.records,
    start,
    calls: fake.calls,
    initial,
    verifyExit: logVerify(log, {}, nullOut),
  };
}

/** The cut after record k of a process run's log, and the cluster as the crash left it. */
function crashAt(p: ProcessRunResult, crash: Crash): { k: number; state: FakeState; notRun: number | undefined } {
  const { cut: fraction, happened } = crash;
  const n = p.records.length;
  const end = p.records.at(-1);
  const resumable = end?.type === 'run-end' && (end.payload.exitCode === 3 || end.payload.exitCode === 130);
  const max = end?.type === 'run-end' && !resumable ? n - 1 : n;
  const min = p.start + 1;
  // right after a change's intent (the worst crash: its outcome unknown), or after any record
  const intents = p.records.flatMap((r, i) => (i >= min && r.type === 'command-intent' ? [i + 1] : []));
  const k =
    crash.atIntent && intents.length > 0
      ? (intents[Math.floor(fraction * intents.length)] as number)
      : Math.min(max, min + Math.floor(fraction * (max - min + 1)));
  const before = p.calls.filter((c) => c.journalLength <= k);
  const last = before.at(-1);
  if (last === undefined) return { k, state: cloneState(p.initial), notRun: undefined };
  const at = last.journalLength - 1;
  const c = classify(last.args);
  const change = !c.ok || c.value.effect !== 'read';
  const result = p.records.findIndex(
    (r, i) =>
      i > at &&
      r.type === 'command-result' &&
      r.payload.node === last.node &&
      r.payload.argv.join(' ') === last.args.join(' '),
  );
  const inFlight = change && (result === -1 || result >= k);
  if (inFlight && !happened) return { k, state: cloneState(last.before), notRun: at };
  return { k, state: cloneState(last.after), notRun: undefined };
}

export interface CaseOutcome {
  valid: boolean;
  text: string;
  violations: string[];
  exits: number[];
  gatedCalls: number;
  disruptiveCalls: number;
  calls: number;
  unknownOutcomes: number;
  reapprovals: number;
  voided: number;
}

/** One case: the first run, then each cut and resume; every invariant checked. */
export async function runCase(c: Case): Promise<CaseOutcome> {
  const text = runbookText(c.items);
  const out: CaseOutcome = {
    valid: false,
    text,
    violations: [],
    exits: [],
    gatedCalls: 0,
    disruptiveCalls: 0,
    calls: 0,
    unknownOutcomes: 0,
    reapprovals: 0,
    voided: 0,
  };
  const lint = lintRunbook(text, 'crash-property.yaml');
  if (!lint.ok) return out;
  out.valid = true;
  const params = parseParams(lint.runbook.params, PARAMS);
  const dir = mkdtempSync(join(tmpdir(), 'tdr-crash-prop-'));
  const log = join(dir, 'run.jsonl');
  try {
    const notRun = new Set<number>();
    const runs: ProcessRunResult[] = [];
    const check = (p: ProcessRunResult, label: string) => {
      runs.push(p);
      if (p.thrown !== undefined) out.violations.push(`${label}: the engine threw: ${p.thrown}`);
      if (p.result !== undefined) {
        out.exits.push(p.result.exitCode);
        if (!EXIT_CODES.has(p.result.exitCode))
          out.violations.push(`${label}: exit ${p.result.exitCode} is not documented`);
        if (p.result.outcome === 'failed' && p.result.stepId === undefined)
          out.violations.push(`${label}: the machine stopped on an error: ${p.result.message}`);
      }
      if (p.verifyExit !== 0) out.violations.push(`${label}: log verify exits ${p.verifyExit}`);
      out.violations.push(...attemptViolations(lint.runbook, params, p, label));
      for (const call of p.calls) {
        const cls = classify(call.args);
        out.calls++;
        if (!cls.ok || cls.value.gate) out.gatedCalls++;
        else if (cls.value.effect === 'disruptive') out.disruptiveCalls++;
      }
    };
    let prev = await processRun(lint, params, log, false, fakeState(), c.first);
    check(prev, 'run');
    for (const [i, r] of c.resumes.entries()) {
      const crash = crashAt(prev, r.crash);
      if (crash.notRun !== undefined) notRun.add(crash.notRun);
      const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
      writeFileSync(log, `${lines.slice(0, crash.k).join('\n')}\n`);
      prev = await processRun(lint, params, log, true, crash.state, r.run);
      check(
        prev,
        `resume ${i + 1} (cut after record ${crash.k}${crash.notRun !== undefined ? ', the change in flight did not run' : ''})`,
      );
    }
    out.violations.push(...repeatViolations(prev.records, notRun));
    for (const r of prev.records) {
      if (r.type === 'deviation' && r.payload.kind === 'outcome-unknown') out.unknownOutcomes++;
      if (r.type === 'approval-voided') out.voided++;
      if (r.type === 'approval' && r.payload.approved && lint.runbook && isTalosStep(lint.runbook, r.payload.step))
        out.reapprovals++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const isTalosStep = (runbook: Runbook, id: string) =>
  allSteps(runbook.steps).some((s) => s.id === id && s.kind === 'talosctl');

export interface CrashPropertyFigures {
  cases: number;
  valid: number;
  processRuns: number;
  calls: number;
  gatedCalls: number;
  disruptiveCalls: number;
  unknownOutcomes: number;
  reapprovals: number;
  voided: number;
  exits: Record<string, number>;
  violations: number;
  /** the first failing case, shrunk by fast-check: its runbook and what was violated */
  counterexample: string | undefined;
  seconds: number;
}

/** `count` cases from `seed` (fast-check shrinks a failing one); figures for the campaign. */
export async function crashProperty(count: number, seed = 1): Promise<CrashPropertyFigures> {
  const f: CrashPropertyFigures = {
    cases: 0,
    valid: 0,
    processRuns: 0,
    calls: 0,
    gatedCalls: 0,
    disruptiveCalls: 0,
    unknownOutcomes: 0,
    reapprovals: 0,
    voided: 0,
    exits: {},
    violations: 0,
    counterexample: undefined,
    seconds: 0,
  };
  const started = Date.now();
  let shrinking = false;
  const r = await fc.check(
    fc.asyncProperty(cases, async (c) => {
      const o = await runCase(c);
      if (!shrinking) {
        f.cases++;
        f.valid += o.valid ? 1 : 0;
        f.processRuns += o.exits.length;
        f.calls += o.calls;
        f.gatedCalls += o.gatedCalls;
        f.disruptiveCalls += o.disruptiveCalls;
        f.unknownOutcomes += o.unknownOutcomes;
        f.reapprovals += o.reapprovals;
        f.voided += o.voided;
        for (const e of o.exits) f.exits[e] = (f.exits[e] ?? 0) + 1;
      }
      if (o.violations.length > 0) {
        if (!shrinking) f.violations++;
        shrinking = true;
        return false;
      }
      return true;
    }),
    { seed, numRuns: count, endOnFailure: false },
  );
  if (r.failed && r.counterexample !== null) {
    const o = await runCase(r.counterexample[0]);
    f.counterexample = `${o.violations.join('\n')}\ncase: ${JSON.stringify(r.counterexample[0])}\n${o.text}`;
  }
  f.seconds = Math.round((Date.now() - started) / 100) / 10;
  return f;
}
