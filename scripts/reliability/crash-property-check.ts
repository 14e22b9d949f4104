import type { AnyRecord, LogRecord } from '../../src/audit/log-format.js';
import { allSteps, isRef, type Runbook } from '../../src/runbook/model.js';
import type { Value } from '../../src/runbook/params.js';
import { classify } from '../../src/talos/commands.js';
import type { RecordedCall } from './crash-property-fake.js';

/**
 * The invariants of the crash property, read from what reached talosctl (the stand-in's
 * recorded argv) and the journal of the process run that spawned it — never from the engine's
 * own idea of what it did:
 * (1) a gated argv runs only after an approval (approved) since the last gated intent, whose
 *     target is the one the gate showed, and a recheck of that approval that passed on reads
 *     taken live in the same process run, after the approval;
 * (2) a disruptive argv runs only after a passing quorum check on live reads of the same process
 *     run, after the previous change;
 * (3) a gated argv never runs twice for the same step and target without a re-approval of the
 *     step itself between (checked over the calls that happened, across crashes).
 * Every spawned change has its intent as the record right before the spawn.
 */

const isGated = (argv: readonly string[]): boolean => {
  const c = classify(argv);
  return !c.ok || c.value.gate;
};
const isDisruptive = (argv: readonly string[]): boolean => {
  const c = classify(argv);
  return c.ok && c.value.effect === 'disruptive';
};
const isChange = (argv: readonly string[]): boolean => {
  const c = classify(argv);
  return !c.ok || c.value.effect !== 'read';
};
const same = (a: readonly string[], b: readonly string[]) => a.join('\u0000') === b.join('\u0000');

type Intent = LogRecord<'command-intent'>;
const intentAt = (records: readonly AnyRecord[], i: number): Intent | undefined => {
  const r = records[i];
  return r?.type === 'command-intent' ? r : undefined;
};

/** The target a gate for this call must have shown: the confirm's explicit token, else the argv's. */
export function expectedTarget(
  runbook: Runbook,
  params: Record<string, Value>,
  approvalStep: string,
  call: { node: string; args: readonly string[] },
): string | undefined {
  const step = allSteps(runbook.steps).find((s) => s.id === approvalStep);
  if (step?.kind === 'confirm' && step.token !== undefined) {
    if (!isRef(step.token)) return String(step.token);
    const [head, name] = step.token.ref.split('.');
    // a param, else the foreach variable: the node the gated step of the iteration targets
    return head === 'params' && name !== undefined ? String(params[name]) : call.node;
  }
  return call.args[1] === 'remove-member' ? call.args[2] : call.node;
}

export interface Attempt {
  /** the log when the process run ended (before any later cut) */
  records: readonly AnyRecord[];
  /** index of its first record (0, or its resume record) */
  start: number;
  calls: readonly RecordedCall[];
}

/** Invariants (1), (2) and the intent-before-spawn rule for one process run. */
export function attemptViolations(
  runbook: Runbook,
  params: Record<string, Value>,
  a: Attempt,
  label: string,
): string[] {
  const out: string[] = [];
  const { records, start } = a;
  const lastBefore = (from: number, until: number, pred: (r: AnyRecord) => boolean): number => {
    for (let i = until - 1; i > from; i--) if (pred(records[i] as AnyRecord)) return i;
    return -1;
  };
  const readsBetween = (from: number, until: number, step: string): boolean =>
    records.slice(from + 1, until).some((r) => r.type === 'command-result' && r.payload.step === step);
  for (const [n, call] of a.calls.entries()) {
    if (!isChange(call.args)) continue;
    const what = `${label}: call ${n + 1} talosctl -n ${call.node} ${call.args.join(' ')}`;
    const at = call.journalLength - 1;
    const intent = intentAt(records, at);
    if (intent === undefined || !same(intent.payload.argv, call.args) || intent.payload.node !== call.node) {
      out.push(`${what}: spawned without its command-intent as the record before it`);
      continue;
    }
    const step = intent.payload.step;
    if (isGated(call.args)) {
      const prevGated = lastBefore(-1, at, (r) => r.type === 'command-intent' && isGated(r.payload.argv));
      const ai = lastBefore(prevGated, at, (r) => r.type === 'approval' && r.payload.approved);
      const approval = records[ai] as LogRecord<'approval'> | undefined;
      if (approval === undefined) {
        out.push(`${what} (step ${step}): no approval since the last gated command`);
        continue;
      }
      const by = allSteps(runbook.steps).find((s) => s.id === approval.payload.step);
      if (approval.payload.step !== step && by?.kind !== 'confirm')
        out.push(
          `${what} (step ${step}): the approval in force is of ${approval.payload.step}, neither a confirm nor the step`,
        );
      const want = expectedTarget(runbook, params, approval.payload.step, call);
      if ((approval.payload.target ?? undefined) !== want)
        out.push(
          `${what} (step ${step}): approved (record ${ai + 1}, ${approval.payload.step}) for target ${approval.payload.target ?? 'none'}, the gate should have shown ${want ?? 'none'}`,
        );
      const ci = lastBefore(ai, at, (r) => r.type === 'check' && r.payload.step === `${step}:recheck`);
      const check = records[ci] as LogRecord<'check'> | undefined;
      if (check === undefined) out.push(`${what} (step ${step}): no recheck after the approval (record ${ai + 1})`);
      else {
        const observed = check.payload.observed as { approved?: string; now?: string };
        if (check.payload.name !== 'approval-fingerprint' || check.payload.verdict !== 'pass')
          out.push(`${what} (step ${step}): its recheck (record ${ci + 1}) did not pass`);
        if (observed.now !== approval.payload.fingerprint || observed.approved !== approval.payload.fingerprint)
          out.push(`${what} (step ${step}): its recheck (record ${ci + 1}) does not match the approval's fingerprint`);
        if (ci < start)
          out.push(`${what} (step ${step}): its recheck (record ${ci + 1}) is from an earlier process run`);
        if (!readsBetween(Math.max(ai, start - 1), ci, `${step}:recheck`))
          out.push(`${what} (step ${step}): its recheck (record ${ci + 1}) read nothing live after the approval`);
        if (lastBefore(ci, at, (r) => r.type === 'command-intent') !== -1)
          out.push(`${what} (step ${step}): another change ran between its recheck and it`);
      }
    }
    if (isDisruptive(call.args)) {
      const prevChange = lastBefore(-1, at, (r) => r.type === 'command-intent');
      const qi = lastBefore(
        Math.max(prevChange, start - 1),
        at,
        (r) => r.type === 'check' && r.payload.step === `${step}:quorum`,
      );
      const q = records[qi] as LogRecord<'check'> | undefined;
      if (q === undefined)
        out.push(`${what} (step ${step}): no quorum check in this process run since the last change`);
      else {
        if (q.payload.name !== 'quorum-safe-to-disrupt' || q.payload.verdict !== 'pass')
          out.push(
            `${what} (step ${step}): its quorum check (record ${qi + 1}) is ${q.payload.name} ${q.payload.verdict}`,
          );
        if (!readsBetween(Math.max(prevChange, start - 1), qi, `${step}:quorum`))
          out.push(`${what} (step ${step}): its quorum check (record ${qi + 1}) read nothing live`);
      }
    }
  }
  return out;
}

/**
 * (3) over the final log: the gated intents whose call happened (`notRun`: intents of calls a
 * crash stopped before they ran) never repeat a step and target without an approval naming the
 * step itself between them.
 */
export function repeatViolations(records: readonly AnyRecord[], notRun: ReadonlySet<number>): string[] {
  const out: string[] = [];
  const last = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.type !== 'command-intent' || notRun.has(i) || !isGated(r.payload.argv)) return;
    const a = r.payload.argv;
    const key = `${r.payload.step} ${a[1] === 'remove-member' ? a[2] : r.payload.node}`;
    const before = last.get(key);
    last.set(key, i);
    if (before === undefined) return;
    const again = records
      .slice(before + 1, i)
      .some((x) => x.type === 'approval' && x.payload.approved && x.payload.step === r.payload.step);
    if (!again)
      out.push(
        `${r.payload.step}: talosctl -n ${r.payload.node} ${r.payload.argv.join(' ')} ran at records ${before + 1} and ${i + 1} with no re-approval of ${r.payload.step} between`,
      );
  });
  return out;
}
