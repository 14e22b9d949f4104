import { askApprovalActor } from './effects/ask-approval.js';
import { awaitManualActor } from './effects/await-manual.js';
import { evaluateCheckActor } from './effects/evaluate-check.js';
import { observeActor } from './effects/observe.js';
import { recheckApprovalActor } from './effects/recheck-approval.js';
import { runTalosctlActor } from './effects/run-talosctl.js';
import type { EngineEnv } from './env.js';
import type { Prompter } from './prompter.js';

/** The real effects of the executor contract (src/compile/contract.ts), by actor name. */
export function makeActors(env: EngineEnv, prompter: Prompter) {
  return {
    runTalosctl: runTalosctlActor(env),
    evaluateCheck: evaluateCheckActor(env),
    observe: observeActor(env),
    askApproval: askApprovalActor(env),
    recheckApproval: recheckApprovalActor(env),
    awaitManual: awaitManualActor(env, prompter),
  };
}
