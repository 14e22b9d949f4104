import { readFileSync } from 'node:fs';
import { createActor, fromPromise, SimulatedClock } from 'xstate';
import type {
  AskApprovalOutput,
  EvaluateCheckInput,
  EvaluateCheckOutput,
  ObserveOutput,
  RunOutput,
  RunTalosctlInput,
  RunTalosctlOutput,
} from '../../src/compile/contract.js';
import { lintRunbook } from '../../src/compile/lint.js';
import type { Value } from '../../src/runbook/params.js';

/** Fake effects: each returns what the test wants and the driver logs every call with the time. */
export interface Fakes {
  talosctl?: (i: RunTalosctlInput) => RunTalosctlOutput;
  check?: (i: EvaluateCheckInput) => EvaluateCheckOutput['verdict'];
  observe?: (name: string) => Record<string, Value>;
  approve?: (i: { stepId: string; token: unknown; guards: string[] }) => boolean;
  unchanged?: boolean;
}

export const okRun = (): RunTalosctlOutput => ({ ok: true, results: [], captured: undefined });
export const failRun = (): RunTalosctlOutput => ({
  ok: false,
  results: [{ node: 'n', ok: false, exitCode: 1, summary: 'exit 1' }],
  captured: undefined,
});

/** Compiles a runbook file and runs it to the end on a SimulatedClock, stepping time by `tickMs`. */
export async function runRunbook(
  file: string,
  params: Record<string, Value>,
  fakes: Fakes,
  tickMs = 1000,
): Promise<{ output: RunOutput; log: string[] }> {
  const r = lintRunbook(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  const clock = new SimulatedClock();
  const log: string[] = [];
  const at = (): string => `t=${clock.now() / 1000}`;
  const machine = r.compiled.machine.provide({
    actors: {
      runTalosctl: fromPromise(async ({ input }) => {
        log.push(`${at()} talosctl ${input.argv.join(' ')} @${input.nodes.join(',')} [${input.effect}]`);
        return (fakes.talosctl ?? okRun)(input);
      }),
      evaluateCheck: fromPromise(async ({ input }) => {
        const verdict = fakes.check?.(input) ?? 'pass';
        log.push(`${at()} ${input.mode} ${input.check} ${JSON.stringify(input.args)} → ${verdict}`);
        return { verdict, observed: {}, description: `${input.check} ${verdict}` };
      }),
      observe: fromPromise(async ({ input }): Promise<ObserveOutput> => {
        log.push(`${at()} observe ${input.observation}`);
        return { outputs: fakes.observe?.(input.observation) ?? {} };
      }),
      askApproval: fromPromise(async ({ input }): Promise<AskApprovalOutput> => {
        log.push(`${at()} ask ${input.stepId} token=${JSON.stringify(input.token)} guards=${input.guards.join(',')}`);
        return { approved: fakes.approve?.(input) ?? true, fingerprint: 'fp-1', by: 'test' };
      }),
      recheckApproval: fromPromise(async ({ input }) => {
        log.push(`${at()} recheck ${input.stepId} approval=${input.approval?.stepId}/${input.approval?.fingerprint}`);
        return { unchanged: fakes.unchanged ?? true, detail: '' };
      }),
      awaitManual: fromPromise(async ({ input }) => {
        log.push(`${at()} manual ${input.stepId}`);
        return { done: true };
      }),
    },
  });
  const actor = createActor(machine, { input: { params }, clock });
  let failure: unknown;
  actor.subscribe({
    error: (e) => {
      failure = e;
    },
  });
  actor.start();
  for (let i = 0; i < 10_000 && actor.getSnapshot().status === 'active'; i++) {
    await new Promise((res) => setImmediate(res));
    if (actor.getSnapshot().status === 'active') clock.increment(tickMs);
  }
  if (failure !== undefined) throw failure;
  const snap = actor.getSnapshot();
  if (snap.status !== 'done') throw new Error(`machine did not finish: ${JSON.stringify(snap.value)}`);
  return { output: snap.output as RunOutput, log };
}
