import type { CheckShown, RunEvent, RunSummary } from '../engine/events.js';

/**
 * The words of a run as a responder reads them: each run event (src/engine/events.ts) is one
 * line of a kind the views draw (a step heading, a node result, a check verdict, a gate, a
 * plain line), or nothing. Pure: the plain view's output is a function of the events alone,
 * and the listr view draws the same lines.
 */

/**
 * How a check's verdict is shown. A choice's branch is an answer (`yes`/`no`), not a pass or a
 * failure; a wait that has not passed yet is `waiting`, never a failure (its timeout is).
 */
export type ShownVerdict = 'pass' | 'fail' | 'unknown' | 'assumed' | 'yes' | 'no' | 'waiting';

export type RunLine =
  | { kind: 'step'; stepId: string; title: string; depth: number }
  | { kind: 'result'; ok: boolean; text: string }
  | { kind: 'check'; verdict: ShownVerdict; text: string }
  | { kind: 'gate'; text: string }
  | { kind: 'line'; text: string };

/** Seconds for people: "1.2s". */
export function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

const line = (text: string): RunLine => ({ kind: 'line', text });

/** The line an event is drawn as; undefined for the events only listeners and the log care about. */
export function runLine(e: RunEvent): RunLine | undefined {
  switch (e.code) {
    case 'TDR_I_PARAM_SOURCE':
      return line(`${e.data.name}: ${e.data.source}`);
    case 'TDR_I_DRY_RUN':
      return line('DRY RUN: reads are live, nothing that changes the cluster will run');
    case 'TDR_W_NODE_SILENT':
      return line(`✘ ${e.data.record.payload.detail}`);
    case 'TDR_I_STEP_START': {
      const { step, title } = e.data.record.payload;
      if (e.data.replayed) return line(`↺ ${step} (as recorded in the log)`);
      return { kind: 'step', stepId: step ?? '', title: title ?? '', depth: e.data.depth };
    }
    case 'TDR_I_NODE_RESULT':
      return { kind: 'result', ok: e.data.ok, text: `${e.data.node}: ${e.data.summary} (${secs(e.data.durationMs)})` };
    case 'TDR_E_COMMAND_REFUSED':
      return { kind: 'result', ok: false, text: e.data.record.payload.detail };
    case 'TDR_W_OUTCOME_UNKNOWN':
      return line(`  ? ${e.data.node}: the previous attempt left no result: re-observing the cluster before deciding`);
    case 'TDR_I_WOULD_RUN':
      return {
        kind: 'result',
        ok: true,
        text: `${e.data.node}: would run talosctl ${e.data.argv.join(' ')} (dry run, not run${e.data.local})`,
      };
    case 'TDR_E_NOT_RUN':
      return { kind: 'result', ok: false, text: `${e.data.node}: ${e.data.reason}` };
    case 'TDR_I_OBSERVATION':
      return { kind: 'result', ok: e.data.record.payload.ok, text: e.data.record.payload.summary };
    case 'TDR_I_CHECK_VERDICT':
      return { kind: 'check', ...shownCheck(e.data.shown) };
    case 'TDR_I_APPROVAL_RECHECK': {
      const detail = e.data.record.payload.summary;
      return e.data.voided
        ? { kind: 'check', verdict: 'fail', text: `approval voided: ${detail}` }
        : { kind: 'check', verdict: 'pass', text: `approval still valid: ${detail}` };
    }
    case 'TDR_I_GATE':
      return { kind: 'gate', text: e.data.record.payload.prompt };
    case 'TDR_I_APPROVAL':
      return approvalLine(e.data);
    case 'TDR_W_GATE_STOPPED': {
      const step = e.data.record.payload.step;
      return line(`■ stopped at gate ${step}: no terminal to ask. To approve, rerun or resume with --approve ${step}`);
    }
    case 'TDR_W_TOKEN_MISMATCH': {
      const { answer, expected, triesLeft } = e.data;
      return line(
        answer === ''
          ? `  an empty answer does not approve: type ${expected} exactly`
          : `  "${answer}" does not match: type ${expected} exactly (${triesLeft} tries left)`,
      );
    }
    case 'TDR_I_MANUAL':
      return { kind: 'gate', text: `MANUAL ${e.data.stepId}: ${e.data.prompt}\n${e.data.instructions}` };
    case 'TDR_I_MANUAL_DONE':
      return manualLine(e.data);
    case 'TDR_W_MANUAL_STOPPED':
      return line(`■ stopped at manual step ${e.data.stepId}: no terminal to confirm it; resume when done`);
    case 'TDR_I_RUN_SUMMARY':
      return line(endLine(e.data));
    default:
      return undefined;
  }
}

function approvalLine(d: Extract<RunEvent, { code: 'TDR_I_APPROVAL' }>['data']): RunLine | undefined {
  const p = d.record.payload;
  if (d.flag) return line(`✔ approved by --approve ${d.flag.covers} (operator ${p.who})`);
  if (!p.approved) return line(`■ declined at ${p.step}: nothing more was changed`);
  return undefined;
}

function manualLine(d: Extract<RunEvent, { code: 'TDR_I_MANUAL_DONE' }>['data']): RunLine | undefined {
  const done = d.record.payload.outcome === 'done';
  if (d.how === 'drill') return line(`${done ? '✔' : '✘'} ${d.by}: ${d.detail}`);
  if (d.how === 'flag') return line(`✔ confirmed done by --approve ${d.record.payload.step} (operator ${d.by})`);
  return undefined;
}

/**
 * What the responder reads for one evaluation: a choice is answered yes or no (its branch, never a
 * red FAIL); a wait or postcondition poll that has not passed is `waiting (poll k of at most N)`,
 * since only its timeout is a failure; a dry run's assumption says so; everything else is the verdict.
 */
export function shownCheck(s: CheckShown): { verdict: ShownVerdict; text: string } {
  if (s.mode === 'assumed') return { verdict: 'assumed', text: s.summary };
  if (s.mode === 'choice' && s.verdict !== 'unknown') {
    // the question, then the answer in words: the runbook's yes:/no: sentence for a flag, what the
    // check saw for a choice on the cluster
    return { verdict: s.verdict === 'pass' ? 'yes' : 'no', text: `${s.stepId}: ${s.question} — ${s.summary}` };
  }
  if ((s.mode === 'wait' || s.mode === 'postcondition') && s.polls !== undefined && s.verdict !== 'pass') {
    return {
      verdict: 'waiting',
      text: `(poll ${s.poll + 1} of at most ${s.polls.max}, ${s.polls.timeoutMs / 1000}s in all) ${s.check}: ${s.summary}`,
    };
  }
  return { verdict: s.verdict, text: `${s.check}: ${s.summary}` };
}

/** The run's summary line: outcome, where it stopped, why, and how to go on. */
export function endLine(r: RunSummary): string {
  const at = r.stepId ? ` at ${r.stepId}` : '';
  const why = r.message ? `: ${r.message}` : '';
  const resume =
    r.exitCode === 3
      ? `\n  To continue: talos-dr resume ${r.logPath}${r.stepId ? ` --approve ${r.stepId}` : ''}`
      : r.exitCode === 130
        ? `\n  To continue: talos-dr resume ${r.logPath}`
        : '';
  const silent =
    r.unanswered.length === 0
      ? ''
      : `\n  Did not answer: ${r.unanswered.map((u) => `${u.node} (${u.why})`).join(', ')}`;
  return `\n■ run ${r.outcome}${at}${why} (exit ${r.exitCode})${silent}${resume}`;
}
