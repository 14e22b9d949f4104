import type { Entry } from './model.js';

/**
 * What an auditor reads first: every place the run left the plain path. Skips, retries,
 * overrides, approvals given by flag or declined, approvals voided by drift, a resume after a
 * crash and outcome-unknown resolutions, changes that failed or have no recorded result, and
 * checks that gated the run (precondition, wait, postcondition) whose last verdict was not a pass.
 */
export interface Deviation {
  seq: number;
  time: string;
  step: string | null;
  /** a short label: "retry", "approval by flag", "approval voided", "check failed", … */
  what: string;
  detail: string;
}

const LABELS: Readonly<Record<string, string>> = {
  retry: 'retry',
  skip: 'skipped step',
  override: 'override',
  'flag-approval': 'approval by flag',
  'outcome-unknown': 'outcome unknown, resolved',
  resume: 'resumed after an interruption',
};

/** Step kinds whose checks gate the run; a choice's failing check is just a branch taken. */
const GATING = new Set(['precondition', 'postcondition', 'wait']);

export function buildDeviations(timeline: readonly Entry[]): Deviation[] {
  const out: Deviation[] = [];
  const stepKind = new Map<string, string>();
  const flagDeviationSteps = new Set<string>();
  for (const e of timeline)
    if (e.kind === 'deviation' && e.deviation === 'flag-approval' && e.step) flagDeviationSteps.add(e.step);
  const lastCheck = new Map<string, Extract<Entry, { kind: 'check' }>>();
  const flushChecks = (step: string) => {
    for (const [key, c] of lastCheck) {
      if (c.step !== step) continue;
      lastCheck.delete(key);
      if (c.verdict !== 'pass' && GATING.has(stepKind.get(c.step) ?? 'precondition'))
        out.push({
          seq: c.seq,
          time: c.time,
          step: c.step,
          what: `check ${c.verdict === 'fail' ? 'failed' : 'undecided'}`,
          detail: `${c.name}: ${c.summary}`,
        });
    }
  };
  for (const e of timeline) {
    switch (e.kind) {
      case 'step':
        stepKind.set(e.step, e.stepKind);
        break;
      case 'step-end':
        flushChecks(e.step);
        break;
      case 'check':
        lastCheck.set(`${e.step}\u0000${e.name}`, e);
        break;
      case 'deviation':
        out.push({
          seq: e.seq,
          time: e.time,
          step: e.step,
          what: LABELS[e.deviation] ?? e.deviation,
          detail: e.detail,
        });
        break;
      case 'approval': {
        const a = e.answer;
        if (a && a.how === 'flag' && !flagDeviationSteps.has(e.step))
          out.push({
            seq: a.seq,
            time: e.time,
            step: e.step,
            what: 'approval by flag',
            detail: `approved by ${a.who} with a command-line flag; no prompt was shown`,
          });
        if (a && !a.approved)
          out.push({
            seq: a.seq,
            time: e.time,
            step: e.step,
            what: 'approval declined',
            detail: `${a.who} declined: ${e.prompt}`,
          });
        if (e.voided)
          out.push({
            seq: e.voided.seq,
            time: e.voided.time,
            step: e.step,
            what: 'approval voided',
            detail: e.voided.reason,
          });
        break;
      }
      case 'command':
        if (e.effect === 'read') break;
        if (e.status === 'no result')
          out.push({
            seq: e.seq,
            time: e.time,
            step: e.step,
            what: 'no result recorded',
            detail: `${e.effect} command ${e.argv.join(' ')} on ${e.node ?? 'no node'} was about to run; its outcome was never recorded`,
          });
        else if (e.status !== 'ok')
          out.push({
            seq: e.resultSeq ?? e.seq,
            time: e.time,
            step: e.step,
            what: `command ${e.status}`,
            detail: `${e.argv.join(' ')} on ${e.node ?? 'no node'}: ${e.timedOut ? 'timed out' : `exit ${e.exitCode ?? 'none (killed)'}`}`,
          });
        break;
      default:
        break;
    }
  }
  for (const step of new Set([...lastCheck.values()].map((c) => c.step))) flushChecks(step);
  return out.sort((a, b) => a.seq - b.seq);
}
