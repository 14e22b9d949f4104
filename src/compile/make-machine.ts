import { type AnyEventObject, assign, fromPromise, setup } from 'xstate';
import { ASSIGNERS as A } from './context-updates.js';
import type {
  AskApprovalInput,
  AskApprovalOutput,
  AwaitManualInput,
  AwaitManualOutput,
  EvaluateCheckInput,
  EvaluateCheckOutput,
  MachineInput,
  ObserveInput,
  ObserveOutput,
  RecheckApprovalInput,
  RecheckApprovalOutput,
  RunContext,
  RunEvent,
  RunOutput,
  RunTalosctlInput,
  RunTalosctlOutput,
} from './contract.js';
import { GUARDS } from './guards.js';
import { act, type Delay, type StateConfig, to } from './machine-config.js';
import { OUTCOME_STATES } from './outcomes.js';

/**
 * The generated states, delays and initial state → an xstate machine set up with the named
 * pieces every compiled machine shares: actor placeholders (the executor provides the real
 * ones), the guards and the context updates.
 */

const missing = (name: string) => async (): Promise<never> => {
  throw new Error(`actor "${name}" was not provided: use machine.provide({ actors: { ${name} } })`);
};

/** Placeholders that fail loudly: a compiled machine does nothing until effects are provided. */
export const PLACEHOLDER_ACTORS = {
  runTalosctl: fromPromise<RunTalosctlOutput, RunTalosctlInput>(missing('runTalosctl')),
  evaluateCheck: fromPromise<EvaluateCheckOutput, EvaluateCheckInput>(missing('evaluateCheck')),
  observe: fromPromise<ObserveOutput, ObserveInput>(missing('observe')),
  askApproval: fromPromise<AskApprovalOutput, AskApprovalInput>(missing('askApproval')),
  recheckApproval: fromPromise<RecheckApprovalOutput, RecheckApprovalInput>(missing('recheckApproval')),
  awaitManual: fromPromise<AwaitManualOutput, AwaitManualInput>(missing('awaitManual')),
};

export function makeMachine(states: Record<string, StateConfig>, delays: Record<string, Delay>, initial: string) {
  const s = setup({
    types: {
      context: {} as RunContext,
      input: {} as MachineInput,
      output: {} as RunOutput,
      events: {} as RunEvent | AnyEventObject,
    },
    actors: PLACEHOLDER_ACTORS,
    guards: GUARDS,
    actions: {
      storeCapture: assign(A.storeCapture),
      noteFailure: assign(A.noteFailure),
      countAttempt: assign(A.countAttempt),
      resetAttempts: assign(A.resetAttempts),
      storeApproval: assign(A.storeApproval),
      consumeApproval: assign(A.consumeApproval),
      startLoop: assign(A.startLoop),
      advanceLoop: assign(A.advanceLoop),
      noteAbort: assign(A.noteAbort),
    },
    delays: delays as Record<string, number>,
  });
  const config = {
    id: 'runbook',
    initial,
    context: ({ input }: { input: MachineInput }): RunContext => ({
      params: input.params,
      captures: {},
      vars: {},
      loops: {},
      attempts: {},
      lastFailure: undefined,
      approval: undefined,
    }),
    on: { 'run.abort': { target: to(OUTCOME_STATES.aborted), actions: [act('noteAbort')] } },
    output: ({ event }: { event: AnyEventObject }): RunOutput => (event as unknown as { output: RunOutput }).output,
    states,
  };
  // The config is generated, so its literal types cannot be inferred; setup() still checks
  // every named actor, guard and action at run time.
  return s.createMachine(config as unknown as Parameters<typeof s.createMachine>[0]);
}

export type RunbookMachine = ReturnType<typeof makeMachine>;
