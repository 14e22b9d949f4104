import { setMaxListeners } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { createActor, type SnapshotFrom } from 'xstate';
import { OUTCOME_EXIT, type RunContext, type RunOutcome, type StateMeta } from '../compile/contract.js';
import type { RunbookMachine } from '../compile/make-machine.js';
import type { CompiledRunbook } from '../compile/to-machine.js';
import { ExitCode } from '../io/exit-codes.js';
import { indexSteps } from '../runbook/flow.js';
import type { Runbook } from '../runbook/model.js';
import { DEFAULTS } from '../runbook/normalize.js';
import type { Value } from '../runbook/params.js';
import type { Talosctl } from '../talos/talosctl.js';
import { makeActors } from './actors.js';
import { createGatekeeper, type GatePolicy } from './approvals.js';
import type { EngineEnv, ManualHandler } from './env.js';
import { note, type RunEvents } from './events.js';
import type { Journal } from './journal.js';
import type { Prompter } from './prompter.js';
import type { Replay } from './replay.js';
import { replayClock } from './replay-clock.js';
import { linkSignals } from './signals.js';
import { createUnanswered, isReadOnlyRunbook, type Unanswered } from './unanswered.js';

/**
 * The run loop: provide the real effects to the compiled machine, start it, announce each step
 * as it is entered (a step-start record and its event), wait for a final state, and map the
 * outcome to the exit code. Ctrl-C sends `run.abort` (children are stopped, so talosctl is
 * killed) and the run ends 'interrupted' (130). A gate nobody could answer ends it with 3.
 */

export interface ExecuteOptions {
  runbook: Runbook;
  compiled: CompiledRunbook;
  params: Record<string, Value>;
  talosctl: Talosctl;
  journal: Journal;
  /** where the run's events go (views, the drill): see events.ts */
  events: RunEvents;
  prompter: Prompter;
  policy: GatePolicy;
  dryRun: boolean;
  signal: AbortSignal;
  replay?: Replay;
  /** each read of a check, observation or gate; default DEFAULTS.readTimeoutMs */
  readTimeoutMs?: number;
  /** where a param's value came from, shown at the gates of the steps that use it */
  paramSources?: Readonly<Record<string, string>>;
  /**
   * the nodes that did not answer (session.ts passes the one its cluster-identity read used);
   * default: a new one that remembers them only if the runbook is read-only
   */
  unanswered?: Unanswered;
  /** real-time pause; default timers/promises setTimeout */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** drills: acts out manual steps (journaled as drill-operator deviations) */
  manual?: ManualHandler;
}

export interface RunResult {
  outcome: RunOutcome | 'interrupted';
  exitCode: number;
  stepId: string | undefined;
  message: string | undefined;
  /** steps entered, for measurements */
  steps: number;
  /** the nodes whose last call in the run timed out, each with what timed out */
  unanswered: Array<{ node: string; why: string }>;
}

export async function executeRun(o: ExecuteOptions): Promise<RunResult> {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every effect of a long run listens to it
  const onOuterAbort = (): void => stop.abort(o.signal.reason);
  if (o.signal.aborted) onOuterAbort();
  else o.signal.addEventListener('abort', onOuterAbort, { once: true });
  const inflight = new Set<Promise<unknown>>();
  const unanswered = o.unanswered ?? createUnanswered({ remember: isReadOnlyRunbook(o.runbook) });
  // timeouts seen before the log was opened (the cluster-identity read): never silently skipped
  for (const node of unanswered.nodes()) {
    const said = `${node} did not answer before the run started (${unanswered.why(node)})${unanswered.remember ? '; this read-only run does not wait on it again: its reads fail at once as "not asked: timed out earlier in this run"' : ''}`;
    note(o, 'deviation', { step: null, kind: 'skip', detail: said }, (record) => ({
      code: 'TDR_W_NODE_SILENT',
      data: { node, record },
    }));
  }
  let getContext: () => RunContext = () => {
    throw new Error('the run has not started');
  };
  const env: EngineEnv = {
    runbook: o.runbook,
    compiled: o.compiled,
    talosctl: unanswered.wrap(o.talosctl),
    journal: o.journal,
    events: o.events,
    gate: createGatekeeper(o.policy, o.prompter, o),
    dryRun: o.dryRun,
    signal: stop.signal,
    context: () => getContext(),
    replay: o.replay,
    readTimeoutMs: o.readTimeoutMs ?? DEFAULTS.readTimeoutMs,
    paramSources: o.paramSources ?? {},
    sleep: o.sleep ?? ((ms, signal) => delay(ms, undefined, { signal })),
    assumed: new Set(),
    halt: { interrupted: false },
    manual: o.manual,
    preApproved: o.policy.preApproved,
    operator: o.policy.operator,
    interrupt: (reason) => {
      env.halt.interrupted = true;
      stop.abort(new Error(reason));
    },
    digests: new Map(),
    track: (fn) => async (a) => {
      await Promise.resolve(); // let the run loop announce the step before its effect speaks
      const link = linkSignals(a.signal, o.signal);
      const p = fn({ ...a, signal: link.signal });
      inflight.add(p);
      try {
        return await p;
      } finally {
        inflight.delete(p);
        link.dispose();
      }
    },
  };
  const machine: RunbookMachine = o.compiled.machine.provide({ actors: makeActors(env, o.prompter) });
  const actor = createActor(machine, {
    input: { params: o.params },
    ...(o.replay ? { clock: replayClock(o.replay) } : {}),
  });
  getContext = () => actor.getSnapshot().context;
  const index = indexSteps(o.runbook);
  let current: string | undefined;
  let steps = 0;
  const announce = (snap: SnapshotFrom<RunbookMachine>): void => {
    const metas = Object.values(snap.getMeta() as Record<string, StateMeta | undefined>);
    const meta = metas.filter((m) => m?.stepId !== undefined && m.role !== 'outcome').at(-1);
    const id = meta?.stepId;
    if (id === undefined || meta?.role === 'loop-next') return;
    const info = index.get(id);
    // a step is one entry per loop iteration: a one-step loop body enters the same step again
    // (its loop head and :next are passed through at once), and each pass is a new step-start
    const at = `${id}#${(info?.loops ?? []).map((l) => snap.context.loops[l.id]?.index ?? -1).join(',')}`;
    if (at === current) return;
    current = at;
    if (info === undefined || meta?.role === 'end') return;
    steps++;
    const replayed = o.replay !== undefined && !o.replay.live;
    note(o, 'step-start', { step: id, kind: info.step.kind, title: info.step.title }, (record) => ({
      code: 'TDR_I_STEP_START',
      data: { record, depth: info.loops.length, replayed },
    }));
  };
  const done = new Promise<SnapshotFrom<RunbookMachine>>((resolve) => {
    actor.subscribe({
      next: (snap) => {
        if (snap.status === 'active') announce(snap);
        if (snap.status !== 'active') resolve(snap);
      },
      error: () => resolve(actor.getSnapshot()),
    });
  });
  const onAbort = (): void => {
    env.halt.interrupted = true;
    actor.send({ type: 'run.abort', reason: 'interrupted by the operator (Ctrl-C)' });
  };
  stop.signal.addEventListener('abort', onAbort, { once: true });
  actor.start();
  if (stop.signal.aborted) onAbort();
  const snap = await done;
  stop.signal.removeEventListener('abort', onAbort);
  o.signal.removeEventListener('abort', onOuterAbort);
  actor.stop();
  // a stopped effect (Ctrl-C, timeout) still journals its killed command before the run ends
  await Promise.allSettled([...inflight]);
  return finish(snap, env, steps, unanswered);
}

function finish(snap: SnapshotFrom<RunbookMachine>, env: EngineEnv, steps: number, unanswered: Unanswered): RunResult {
  let result: Omit<RunResult, 'unanswered'>;
  if (env.halt.interrupted) {
    result = {
      outcome: 'interrupted',
      exitCode: ExitCode.interrupted,
      stepId: undefined,
      message: 'interrupted',
      steps,
    };
  } else if (snap.status === 'done' && snap.output !== undefined) {
    const out = snap.output;
    result = {
      outcome: out.outcome,
      exitCode: OUTCOME_EXIT[out.outcome],
      stepId: out.stepId,
      message:
        out.outcome === 'stopped-at-gate' ? `stopped at ${out.stepId}: ${out.message ?? 'no approval'}` : out.message,
      steps,
    };
  } else {
    const err = (snap as { error?: unknown }).error;
    result = {
      outcome: 'failed',
      exitCode: ExitCode.failed,
      stepId: undefined,
      message: err instanceof Error ? err.message : String(err),
      steps,
    };
  }
  const silent = unanswered.nodes().map((node) => ({ node, why: unanswered.why(node) ?? '?' }));
  note(
    env,
    'run-end',
    {
      outcome: result.outcome,
      exitCode: result.exitCode,
      ...(silent.length > 0 ? { unanswered: silent.map((u) => u.node) } : {}),
    },
    (record) => ({ code: 'TDR_I_RUN_END', data: { record } }),
  );
  return { ...result, unanswered: silent };
}
