import { fromPromise } from 'xstate';
import type { AwaitManualInput, AwaitManualOutput } from '../../compile/contract.js';
import type { EngineEnv } from '../env.js';
import { note } from '../events.js';
import { PromptInterrupted } from '../prompter.js';

/**
 * awaitManual: show the instructions, then wait for the operator to type "done" (or "abort").
 * Without a terminal the run stops here like at a gate (exit 3, resumable).
 */
export function awaitManualActor(env: EngineEnv, prompter: import('../prompter.js').Prompter) {
  return fromPromise<AwaitManualOutput, AwaitManualInput>(
    env.track(async ({ input, signal }) => {
      const rec = env.replay?.manual(input.stepId);
      if (rec !== undefined) return { done: rec.payload.outcome === 'done' };
      env.events.emit({
        code: 'TDR_I_MANUAL',
        data: { stepId: input.stepId, prompt: input.prompt, instructions: input.instructions },
      });
      if (env.manual !== undefined) {
        const r = await env.manual(input.stepId, AbortSignal.any([signal, env.signal]));
        const deviation = env.journal.append('deviation', {
          step: input.stepId,
          kind: 'drill-operator',
          detail: `${r.by}: ${r.detail}`,
        });
        note(env, 'step-end', { step: input.stepId, outcome: r.done ? 'done' : 'not done' }, (record) => ({
          code: 'TDR_I_MANUAL_DONE',
          data: { how: 'drill', by: r.by, detail: r.detail, record, deviation },
        }));
        return { done: r.done };
      }
      if (!prompter.interactive && env.preApproved?.has(input.stepId) === true) {
        // without a terminal, `--approve <manual step>` is the operator saying "done" (the stop
        // line's hint): before, it was ignored and such a run could never finish (crash campaign)
        const who = env.operator ?? 'the operator';
        const detail = `manual step confirmed done without a prompt by --approve ${input.stepId} (operator ${who})`;
        const deviation = env.journal.append('deviation', { step: input.stepId, kind: 'flag-approval', detail });
        note(env, 'step-end', { step: input.stepId, outcome: 'done' }, (record) => ({
          code: 'TDR_I_MANUAL_DONE',
          data: { how: 'flag', by: who, detail, record, deviation },
        }));
        return { done: true };
      }
      if (!prompter.interactive) {
        env.events.emit({ code: 'TDR_W_MANUAL_STOPPED', data: { stepId: input.stepId } });
        return { done: false, stopped: true };
      }
      for (;;) {
        let answer: string;
        try {
          answer = (await prompter.input('Type "done" when finished, or "abort":', signal)).trim();
        } catch (e) {
          if (e instanceof PromptInterrupted) env.interrupt(e.message);
          throw e;
        }
        if (answer === 'done' || answer === 'abort') {
          note(env, 'step-end', { step: input.stepId, outcome: answer === 'done' ? 'done' : 'not done' }, (record) => ({
            code: 'TDR_I_MANUAL_DONE',
            data: { how: 'tty', by: env.operator ?? 'the operator', detail: answer, record },
          }));
          return { done: answer === 'done' };
        }
      }
    }),
  );
}
