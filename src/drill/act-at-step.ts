/**
 * A drill acting once, as someone other than the responder, when the run starts a given step (the
 * network team repairing a link while the runbook waits). The session tells it each step as it
 * starts, in process (the run's `TDR_I_STEP_START` event): nothing re-reads the run's log.
 */
import type { RunEvent } from '../engine/events.js';

export interface StepAct {
  /** called with each step's id as the step starts */
  onStepStart(stepId: string): void;
  /** given to the session (`onEvent`): a step start goes to onStepStart */
  onEvent(e: RunEvent): void;
  /** what was done (awaiting an act still running), or undefined if the step never started */
  settled(): Promise<string | undefined>;
}

export function actAtStep(step: string, act: () => Promise<string>): StepAct {
  let done: Promise<string> | undefined;
  const a: StepAct = {
    onEvent(e) {
      if (e.code === 'TDR_I_STEP_START') a.onStepStart(e.data.record.payload.step);
    },
    onStepStart(stepId) {
      // once: a step entered again (a loop, a retry) is not a second repair
      if (stepId !== step || done !== undefined) return;
      // never throws into the engine: a failed act is reported, the run goes on
      done = Promise.resolve()
        .then(act)
        .catch((e: unknown) => `failed: ${e instanceof Error ? e.message : String(e)}`);
    },
    settled: async () => done,
  };
  return a;
}
