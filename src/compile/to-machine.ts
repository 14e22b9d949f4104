import type { Runbook, Step } from '../runbook/model.js';
import { type Build, entryOf, startBuild } from './build.js';
import type { StateMeta } from './contract.js';
import { makeMachine, type RunbookMachine } from './make-machine.js';
import { addOutcomeStates, OUTCOME_STATES } from './outcomes.js';
import { compileCheck } from './steps/check.js';
import { compileCommand } from './steps/command.js';
import { compileConfirm } from './steps/confirm.js';
import { compileEnd } from './steps/end.js';
import { compileForeach } from './steps/foreach.js';
import { compileManual } from './steps/manual.js';
import { compileObserve } from './steps/observe.js';

/**
 * Runbook → xstate v5 machine. Every step becomes named states; retries, polling, timeouts,
 * loops, branches and failure policies are states and transitions (`after` on the actor's
 * clock), never logic inside actors. State ids are the step ids (plus `:recheck`, `:retry`,
 * `:poll`, `:sleep`, `:next`) so the journal and resume can name them. Each step kind has its
 * module under steps/; this one walks the steps and hands each to its kind.
 */

export interface CompiledRunbook {
  machine: RunbookMachine;
  /** every state id → its step and role (also in each state's meta) */
  states: Record<string, StateMeta>;
  initial: string;
}

/** Compiles a validated, normalized runbook. Throws only on a runbook that did not pass lint. */
export function compileRunbook(runbook: Runbook): CompiledRunbook {
  const b = startBuild(runbook);
  compileList(b, runbook.steps, OUTCOME_STATES.success);
  addOutcomeStates(b);
  const firstStep = runbook.steps[0];
  const initial = firstStep === undefined ? OUTCOME_STATES.success : entryOf(b, firstStep.id);
  return { machine: makeMachine(b.states, b.delays, initial), states: b.metas, initial };
}

function compileList(b: Build, list: readonly Step[], after: string): void {
  list.forEach((step, i) => {
    const following = list[i + 1];
    compileStep(b, step, following === undefined ? after : entryOf(b, following.id));
  });
}

/** A step and where it goes next when it succeeds (the next step's entry, or the loop's). */
function compileStep(b: Build, step: Step, next: string): void {
  switch (step.kind) {
    case 'talosctl':
      compileCommand(b, step, next);
      return;
    case 'read':
      compileObserve(b, step, next);
      return;
    case 'precondition':
    case 'choice':
    case 'wait':
    case 'postcondition':
      compileCheck(b, step, next);
      return;
    case 'confirm':
      compileConfirm(b, step, next);
      return;
    case 'manual':
      compileManual(b, step, next);
      return;
    case 'foreach':
      compileForeach(b, step, next, compileList);
      return;
    case 'end':
      compileEnd(b, step);
      return;
  }
}
