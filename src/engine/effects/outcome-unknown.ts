import type { Verdict } from '../../checks/verdict.js';
import type { RunTalosctlInput } from '../../compile/contract.js';
import { indexSteps } from '../../runbook/flow.js';
import type { DoneCheck, Step } from '../../runbook/model.js';
import { resolveArgs } from '../../runbook/refs.js';
import type { EngineEnv } from '../env.js';
import { readGateView } from '../fingerprint.js';
import { scopeOf } from '../step-text.js';
import { checkOnce } from './check-once.js';
import { readerFor } from './shared.js';

/** The run stopped at a gate nobody could answer: run.ts turns it into exit 3. */
export class GateStop extends Error {
  readonly stepId: string;
  constructor(stepId: string) {
    super(`stopped at ${stepId}: no approval`);
    this.stepId = stepId;
    this.name = 'GateStop';
  }
}

export type UnknownDecision = { kind: 'done'; summary: string } | { kind: 'failed'; summary: string } | { kind: 'run' };

/**
 * An intent without a result (the run died while the command ran): the command may or may not
 * have happened. Re-observe first: the step's `done:` check (polled up to its timeout), else a
 * check that directly follows it in the same list. When it holds, the step is treated as done.
 * Otherwise a read or mutating command is run again; an irreversible one is never run again on
 * an approval given before the crash: with `done: { otherwise: fail }` the attempt counts as
 * failed (its onFailure path follows), else it needs a FRESH approval naming the step itself
 * (typed, or `--approve <step>`), and without one the run stops (exit 3).
 */
export async function resolveUnknown(
  env: EngineEnv,
  input: RunTalosctlInput,
  node: string,
  signal: AbortSignal,
): Promise<UnknownDecision> {
  const step = input.stepId;
  env.journal.append('deviation', {
    step,
    kind: 'outcome-unknown',
    detail: `talosctl -n ${node} ${input.argv.join(' ')} was started but no result was recorded`,
  });
  env.progress.line(`  ? ${node}: the previous attempt left no result: re-observing the cluster before deciding`);
  const info = indexSteps(env.runbook);
  const own = info.get(step)?.step;
  const done = (own?.kind === 'talosctl' ? own.done : undefined) ?? followingCheck(info, step);
  const seen = done === undefined ? undefined : await observeDone(env, step, done, signal);
  if (seen?.verdict === 'pass') {
    env.journal.append('deviation', {
      step,
      kind: 'skip',
      detail: `not run again: ${done?.check} holds (${seen.summary})`,
    });
    return { kind: 'done', summary: `outcome unknown; ${done?.check} holds now, treated as done` };
  }
  if (input.gate) {
    const why = done === undefined ? 'no done: check can tell' : `${done.check} does not hold (${seen?.summary})`;
    if (done?.otherwise === 'fail') {
      const summary = `outcome unknown and ${why}: counted as failed, not run again`;
      env.journal.append('deviation', { step, kind: 'skip', detail: summary });
      return { kind: 'failed', summary };
    }
    await askFreshApproval(env, input, node, why, signal);
  }
  env.journal.append('deviation', { step, kind: 'retry', detail: `running again on ${node} after an unknown outcome` });
  return { kind: 'run' };
}

/** Polls the done check until it holds or its bound passes (once when it has no timeout). */
async function observeDone(env: EngineEnv, step: string, done: DoneCheck, signal: AbortSignal): Promise<Verdict> {
  const unresolved: Verdict = {
    verdict: 'unknown',
    summary: 'its arguments cannot be resolved',
    expected: done.check,
    observed: {},
  };
  const args = resolveArgs(done.with, scopeOf(env.context()));
  if (!args.ok) return unresolved;
  const poll = done.poll;
  const until = Date.now() + (poll?.timeoutMs ?? 0);
  let interval = poll?.intervalMs ?? 0;
  let prev: Verdict['state'];
  for (let n = 1; ; n++) {
    const v = await checkOnce(env, `${step}:reobserve`, done.check, args.value, signal, prev);
    prev = v.state;
    if (v.verdict === 'pass' || poll === undefined || Date.now() + interval > until) {
      env.progress.check(v.verdict, `${done.check}: ${v.summary}${n > 1 ? ` (poll ${n})` : ''}`);
      return v;
    }
    await env.sleep(interval, signal);
    interval = Math.min(interval * poll.factor, poll.maxIntervalMs);
  }
}

/** A wait, postcondition or precondition right after the step in the same list, asked once. */
function followingCheck(info: ReturnType<typeof indexSteps>, step: string): DoneCheck | undefined {
  const next = info.get(info.get(step)?.next ?? '')?.step;
  if (next === undefined || !isCheckStep(next)) return undefined;
  return { check: next.check, with: next.with, poll: undefined, otherwise: 'ask' };
}

function isCheckStep(s: Step): s is Extract<Step, { kind: 'wait' | 'postcondition' | 'precondition' }> {
  return s.kind === 'wait' || s.kind === 'postcondition' || s.kind === 'precondition';
}

/**
 * The gate before running an irreversible step again. It covers the step itself only: an
 * `--approve` of its confirm was given for the first attempt, before anyone knew it was lost.
 */
async function askFreshApproval(
  env: EngineEnv,
  input: RunTalosctlInput,
  node: string,
  why: string,
  signal: AbortSignal,
): Promise<void> {
  const step = input.stepId;
  const view = await readGateView(readerFor(env, `${step}:reobserve`, signal), input.nodes);
  const text = [
    `GATE ${step} (resume): the previous attempt of an IRREVERSIBLE step may or may not have run`,
    `Command: talosctl -n ${node} ${input.argv.join(' ')}`,
    `Nothing shows that it completed: ${why}. Running it again needs a fresh approval (--approve ${step}).`,
    `State fingerprint: sha256:${view.fingerprint.slice(0, 16)}`,
  ].join('\n');
  const a = await env.gate.ask(
    { stepId: step, covers: [step], text, token: { type: 'node', value: node }, fingerprint: view.fingerprint },
    signal,
  );
  if (!a.approved) {
    env.halt.gate = step;
    throw new GateStop(step);
  }
}
