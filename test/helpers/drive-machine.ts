import { createActor, fromPromise, SimulatedClock } from 'xstate';
import type {
  AskApprovalInput,
  AskApprovalOutput,
  AwaitManualOutput,
  EvaluateCheckInput,
  EvaluateCheckOutput,
  ObserveInput,
  ObserveOutput,
  RecheckApprovalOutput,
  RunOutput,
  RunTalosctlInput,
  RunTalosctlOutput,
} from '../../src/compile/contract.js';
import { lintRunbook } from '../../src/compile/lint.js';
import type { CompiledRunbook } from '../../src/compile/to-machine.js';
import type { Runbook } from '../../src/runbook/model.js';
import type { Value } from '../../src/runbook/params.js';
import { runbookText } from './runbook-doc.js';

/**
 * Compiles a tiny runbook text and drives its machine with in-memory effects on a SimulatedClock,
 * recording which states it passed through and every effect's input: the tests of one step
 * kind's module assert the states and transitions that module adds.
 */

export function compileText(steps: string, params?: string): { runbook: Runbook; compiled: CompiledRunbook } {
  const text = runbookText(steps, params);
  const r = lintRunbook(text, 't.yaml');
  if (!r.ok) throw new Error(`does not lint:\n${r.errors.map((e) => e.message).join('\n')}\n${text}`);
  return { runbook: r.runbook, compiled: r.compiled };
}

/** Each effect answers from the test; unset ones succeed (ok, pass, approved, unchanged, done). */
export interface Effects {
  talosctl?: (i: RunTalosctlInput, call: number) => RunTalosctlOutput;
  /** a promise that never settles: the check does not answer (its state's timeout decides) */
  check?: (i: EvaluateCheckInput, call: number) => CheckAnswer | Promise<CheckAnswer>;
  observe?: (i: ObserveInput) => ObserveOutput | Error;
  approve?: (i: AskApprovalInput) => Partial<AskApprovalOutput>;
  recheck?: () => Partial<RecheckApprovalOutput>;
  manual?: () => AwaitManualOutput | Error;
}

type CheckAnswer = Partial<EvaluateCheckOutput> & Pick<EvaluateCheckOutput, 'verdict'>;

export interface Driven {
  output: RunOutput;
  /** leaf state ids in the order entered (a state entered twice in a row, e.g. a re-poll, twice) */
  states: string[];
  /** effect calls, in order, as `<actor> <stepId>` */
  calls: string[];
  inputs: {
    talosctl: RunTalosctlInput[];
    check: EvaluateCheckInput[];
    approve: AskApprovalInput[];
    observe: ObserveInput[];
  };
  /** virtual ms at each state entry, parallel to `states` */
  times: number[];
  context: unknown;
}

export const ok = (): RunTalosctlOutput => ({ ok: true, results: [], captured: undefined });
export const failed = (): RunTalosctlOutput => ({
  ok: false,
  results: [{ node: 'n', ok: false, exitCode: 1, summary: 'exit 1' }],
  captured: undefined,
});

function leaves(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Object.values(v as Record<string, unknown>).flatMap(leaves);
}

/** Runs the compiled machine to a final state (or throws after `maxTicks` clock steps of `tickMs`). */
export async function drive(
  compiled: CompiledRunbook,
  params: Record<string, Value>,
  fx: Effects = {},
  tickMs = 1000,
  maxTicks = 2000,
): Promise<Driven> {
  const clock = new SimulatedClock();
  const calls: string[] = [];
  const inputs: Driven['inputs'] = { talosctl: [], check: [], approve: [], observe: [] };
  const count = (k: string) => calls.filter((c) => c.startsWith(`${k} `)).length;
  const machine = compiled.machine.provide({
    actors: {
      runTalosctl: fromPromise(async ({ input }) => {
        const n = count('talosctl');
        calls.push(`talosctl ${input.stepId}`);
        inputs.talosctl.push(input);
        return (fx.talosctl ?? ok)(input, n);
      }),
      evaluateCheck: fromPromise(async ({ input }): Promise<EvaluateCheckOutput> => {
        const n = count('check');
        calls.push(`check ${input.stepId}`);
        inputs.check.push(input);
        const r = await (fx.check?.(input, n) ?? { verdict: 'pass' as const });
        return { observed: {}, description: `${input.check} ${r.verdict}`, ...r };
      }),
      observe: fromPromise(async ({ input }): Promise<ObserveOutput> => {
        calls.push(`observe ${input.stepId}`);
        inputs.observe.push(input);
        const r = fx.observe?.(input) ?? { outputs: {} };
        if (r instanceof Error) throw r;
        return r;
      }),
      askApproval: fromPromise(async ({ input }): Promise<AskApprovalOutput> => {
        calls.push(`ask ${input.stepId}`);
        inputs.approve.push(input);
        return { approved: true, fingerprint: 'fp-1', by: 'test', ...fx.approve?.(input) };
      }),
      recheckApproval: fromPromise(async ({ input }): Promise<RecheckApprovalOutput> => {
        calls.push(`recheck ${input.stepId}`);
        return { unchanged: true, detail: '', ...fx.recheck?.() };
      }),
      awaitManual: fromPromise(async ({ input }): Promise<AwaitManualOutput> => {
        calls.push(`manual ${input.stepId}`);
        const r = fx.manual?.() ?? { done: true };
        if (r instanceof Error) throw r;
        return r;
      }),
    },
  });
  const actor = createActor(machine, { input: { params }, clock });
  const states: string[] = [];
  const times: number[] = [];
  let last = '';
  let failure: unknown;
  actor.subscribe({
    next: (snap) => {
      const now = leaves(snap.value).join('|');
      if (now !== last) {
        states.push(...leaves(snap.value));
        times.push(clock.now());
      }
      last = now;
    },
    error: (e) => {
      failure = e;
    },
  });
  actor.start();
  for (let i = 0; i < maxTicks && actor.getSnapshot().status === 'active'; i++) {
    await new Promise((res) => setImmediate(res));
    if (actor.getSnapshot().status === 'active') clock.increment(tickMs);
  }
  if (failure !== undefined) throw failure;
  const snap = actor.getSnapshot();
  if (snap.status !== 'done') throw new Error(`machine did not finish: ${JSON.stringify(snap.value)}`);
  return { output: snap.output as RunOutput, states, calls, inputs, times, context: snap.context };
}
