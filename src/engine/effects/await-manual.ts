import { fromPromise } from 'xstate';
import type { AwaitManualInput, AwaitManualOutput } from '../../compile/contract.js';
import type { EngineEnv } from '../env.js';
import { PromptInterrupted } from '../prompter.js';
import { GateStop } from './outcome-unknown.js';

/**
 * awaitManual: show the instructions, then wait for the operator to type "done" (or "abort").
 * Without a terminal the run stops here like at a gate (exit 3, resumable).
 */
export function awaitManualActor(env: EngineEnv, prompter: import('../prompter.js').Prompter) {
  return fromPromise<AwaitManualOutput, AwaitManualInput>(
    env.track(async ({ input, signal }) => {
      const rec = env.replay?.manual(input.stepId);
      if (rec !== undefined) return { done: rec.payload.outcome === 'done' };
      env.progress.gate(`MANUAL ${input.stepId}: ${input.prompt}\n${input.instructions}`);
      if (env.manual !== undefined) {
        const r = await env.manual(input.stepId, AbortSignal.any([signal, env.signal]));
        env.journal.append('deviation', { step: input.stepId, kind: 'drill-operator', detail: `${r.by}: ${r.detail}` });
        env.progress.line(`${r.done ? '✔' : '✘'} ${r.by}: ${r.detail}`);
        env.journal.append('step-end', { step: input.stepId, outcome: r.done ? 'done' : 'not done' });
        return { done: r.done };
      }
      if (!prompter.interactive) {
        env.halt.gate = input.stepId;
        env.progress.line(`■ stopped at manual step ${input.stepId}: no terminal to confirm it; resume when done`);
        throw new GateStop(input.stepId);
      }
      for (;;) {
        let answer: string;
        try {
          answer = (
            await prompter.input('Type "done" when finished, or "abort":', AbortSignal.any([signal, env.signal]))
          ).trim();
        } catch (e) {
          if (e instanceof PromptInterrupted) env.interrupt(e.message);
          throw e;
        }
        if (answer === 'done' || answer === 'abort') {
          env.journal.append('step-end', { step: input.stepId, outcome: answer === 'done' ? 'done' : 'not done' });
          return { done: answer === 'done' };
        }
      }
    }),
  );
}
