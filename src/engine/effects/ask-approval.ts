import { fromPromise } from 'xstate';
import type { AskApprovalInput, AskApprovalOutput } from '../../compile/contract.js';
import { gateText } from '../../io/gate-messages.js';
import type { EngineEnv } from '../env.js';
import { readGateView } from '../fingerprint.js';
import { PromptInterrupted } from '../prompter.js';
import { gateFacts, gateNodes, gateSteps } from './gate-facts.js';
import { readerFor } from './shared.js';

/**
 * askApproval: read the cluster at the gate, word the prompt from what it shows, and ask (or
 * apply --approve, or stop without a terminal). The fingerprint of what was shown is what the
 * approval covers; recheckApproval compares it before the irreversible step runs.
 */
export function askApprovalActor(env: EngineEnv) {
  return fromPromise<AskApprovalOutput, AskApprovalInput>(
    env.track(async ({ input, signal }) => {
      const rec = env.replay?.approval(input.stepId);
      if (rec !== undefined) return { approved: true, fingerprint: rec.payload.fingerprint, by: rec.payload.who };
      const sig = signal;
      const context = env.context();
      const steps = gateSteps(env, input.stepId, input.guards);
      const nodes = gateNodes(env, context, steps, input.token);
      // a re-approval's reads are journaled apart from the step's own command records
      const readStep = input.again === true ? `${input.stepId}:reapprove` : input.stepId;
      const view = await readGateView(readerFor(env, readStep, sig), nodes, input.token);
      env.digests.set(view.fingerprint, view.digest);
      const text = gateText(gateFacts(env, context, input, steps, view));
      try {
        const a = await env.gate.ask(
          {
            stepId: input.stepId,
            covers: [input.stepId, ...input.guards],
            text,
            token: input.token,
            fingerprint: view.fingerprint,
          },
          sig,
        );
        return {
          approved: a.approved,
          stopped: a.stoppedNonInteractive,
          fingerprint: view.fingerprint,
          by: `${a.by} (${a.how})`,
        };
      } catch (e) {
        if (e instanceof PromptInterrupted) env.interrupt(e.message);
        throw e;
      }
    }),
  );
}
