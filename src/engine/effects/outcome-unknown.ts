import type { RunTalosctlInput } from '../../compile/contract.js';
import { resolveArgs } from '../../runbook/refs.js';
import type { Effect } from '../../talos/effects.js';
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

/**
 * An intent without a result (the run died while the command ran): the command may or may not
 * have happened. Re-observe first: when the check right after the step already holds, the step is
 * treated as done. Otherwise a read or mutating command is run again, and an irreversible one only
 * after a FRESH approval (typed, or --approve <step>); without one the run stops (exit 3).
 */
export async function resolveUnknown(
  env: EngineEnv,
  input: RunTalosctlInput,
  node: string,
  effect: Effect,
  signal: AbortSignal,
): Promise<{ kind: 'done'; summary: string } | { kind: 'run' }> {
  const step = input.stepId;
  env.journal.append('deviation', {
    step,
    kind: 'outcome-unknown',
    detail: `talosctl -n ${node} ${input.argv.join(' ')} was started but no result was recorded`,
  });
  env.progress.line(`  ? ${node}: the previous attempt left no result: re-observing the cluster before deciding`);
  const next = nextCheck(env, step);
  if (next !== undefined) {
    const args = resolveArgs(next.with, scopeOf(env.context()));
    if (args.ok) {
      const v = await checkOnce(env, `${step}:reobserve`, next.check, args.value, signal);
      env.progress.check(v.verdict, `${next.check}: ${v.summary}`);
      if (v.verdict === 'pass') {
        env.journal.append('deviation', {
          step,
          kind: 'skip',
          detail: `not run again: ${next.check} already holds (${v.summary})`,
        });
        return { kind: 'done', summary: `outcome unknown; ${next.check} holds now, treated as done` };
      }
    }
  }
  if (effect === 'irreversible') {
    const view = await readGateView(readerFor(env, `${step}:reobserve`, signal), input.nodes);
    const text = [
      `GATE ${step} (resume): the previous attempt of an IRREVERSIBLE step may or may not have run`,
      `Command: talosctl -n ${node} ${input.argv.join(' ')}`,
      `Nothing shows that it completed. Running it again needs a fresh approval.`,
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
  env.journal.append('deviation', { step, kind: 'retry', detail: `running again on ${node} after an unknown outcome` });
  return { kind: 'run' };
}

function nextCheck(env: EngineEnv, stepId: string) {
  const steps = allStepsOf(env);
  const i = steps.findIndex((s) => s.id === stepId);
  const after = steps[i + 1];
  if (after === undefined) return undefined;
  return after.kind === 'wait' || after.kind === 'postcondition' || after.kind === 'precondition' ? after : undefined;
}

import { allSteps } from '../../runbook/model.js';

function allStepsOf(env: EngineEnv) {
  return allSteps(env.runbook.steps);
}
