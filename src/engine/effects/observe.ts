import { fromPromise } from 'xstate';
import type { ObservationName } from '../../checks/catalog.js';
import { gatherObservation } from '../../checks/observe/index.js';
import type { Json } from '../../checks/verdict.js';
import type { ObserveInput, ObserveOutput } from '../../compile/contract.js';
import type { Value } from '../../runbook/params.js';
import type { EngineEnv } from '../env.js';
import { note } from '../events.js';
import { readerFor } from './shared.js';

/**
 * observe: a read step. Its outputs become captures later steps reference, so they are journaled
 * as an `observation` record (replayed on resume). An observation that cannot derive its outputs
 * fails the step with the reason.
 */
export function observeActor(env: EngineEnv) {
  return fromPromise<ObserveOutput, ObserveInput>(
    env.track(async ({ input, signal }) => {
      const rec = env.replay?.observation(input.stepId);
      if (rec !== undefined) {
        if (!rec.payload.ok) throw new Error(rec.payload.summary);
        return { outputs: rec.payload.outputs as Record<string, Value> };
      }
      const reader = readerFor(env, input.stepId, signal);
      const run = await gatherObservation(input.observation as ObservationName, reader, input.args);
      const r = run.result;
      note(
        env,
        'observation',
        {
          step: input.stepId,
          name: input.observation,
          args: JSON.parse(JSON.stringify(input.args)) as Record<string, Json>,
          ok: r.ok,
          outputs: r.ok ? r.outputs : {},
          summary: r.ok ? r.summary : r.reason,
          ...(run.evidence.length > 0 ? { evidence: run.evidence } : {}),
        },
        (record) => ({ code: 'TDR_I_OBSERVATION', data: { record } }),
      );
      if (!r.ok) throw new Error(r.reason);
      return { outputs: r.outputs as Record<string, Value> };
    }),
  );
}
