import { createActor, type PromiseActorLogic, toPromise } from 'xstate';
import type { AnyRecord } from '../../src/audit/log-format.js';
import type { AskApprovalInput, RunContext } from '../../src/compile/contract.js';
import type { GateAnswer, Gatekeeper, GateRequest } from '../../src/engine/approvals.js';
import type { EngineEnv, ManualHandler } from '../../src/engine/env.js';
import { createRunEvents, type RunEvent } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import type { Replay } from '../../src/engine/replay.js';
import type { Runbook } from '../../src/runbook/model.js';
import type { Value } from '../../src/runbook/params.js';
import type { Talosctl } from '../../src/talos/talosctl.js';
import { compileText } from './drive-machine.js';
import { F_IDS, F_NODES, type FakeTalosctl, fakeTalosctl } from './fake-talosctl.js';
import { memorySink, steppingClock } from './sample-log.js';

/**
 * An EngineEnv for one effect, in process: the journal writes to memory (records read back
 * parsed), events are recorded, the gate is a stand-in that records each request and answers
 * as told, and talosctl is the in-process fake over a tiny cluster (real talosctl formats).
 * Effects are run as their fromPromise logic, with an input, to their output or error.
 */
export interface TestEnv {
  env: EngineEnv;
  runbook: Runbook;
  talosctl: FakeTalosctl;
  /** every record written so far, parsed */
  records(): AnyRecord[];
  events: RunEvent[];
  /** the gate requests the effect made */
  asked: GateRequest[];
  /** interrupt() calls */
  interrupts: string[];
}

export interface TestEnvOptions {
  params?: Record<string, Value>;
  /** paramsText for runbookText (default: a `nodes` param) */
  paramsText?: string;
  talosctl?: Talosctl;
  gate?: (req: GateRequest) => GateAnswer | Promise<GateAnswer>;
  replay?: Replay;
  dryRun?: boolean;
  manual?: ManualHandler;
  preApproved?: ReadonlySet<string>;
  operator?: string;
  context?: Partial<RunContext>;
}

export const yes: GateAnswer = { approved: true, by: 'ops@host', how: 'tty', stoppedNonInteractive: false };

export function testEnv(steps: string, o: TestEnvOptions = {}): TestEnv {
  const { runbook, compiled } = compileText(steps, o.paramsText);
  const sink = memorySink();
  const journal = Journal.create('in-memory', { sink, clock: steppingClock() });
  const events: RunEvent[] = [];
  const asked: GateRequest[] = [];
  const interrupts: string[] = [];
  const talosctl = (o.talosctl ?? fakeTalosctl()) as FakeTalosctl;
  const context: RunContext = {
    params: o.params ?? {},
    captures: {},
    vars: {},
    loops: {},
    attempts: {},
    lastFailure: undefined,
    approval: undefined,
    ...o.context,
  };
  const gate: Gatekeeper = {
    policy: { interactive: true, preApproved: new Set(), operator: 'ops@host' },
    async ask(req) {
      asked.push(req);
      return (o.gate ?? (() => yes))(req);
    },
  };
  const env: EngineEnv = {
    runbook,
    compiled,
    talosctl,
    journal,
    events: createRunEvents((e) => events.push(e)),
    gate,
    dryRun: o.dryRun ?? false,
    signal: new AbortController().signal,
    context: () => context,
    replay: o.replay,
    sleep: async () => undefined,
    readTimeoutMs: 5000,
    paramSources: {},
    assumed: new Set(),
    halt: { interrupted: false },
    manual: o.manual,
    ...(o.preApproved === undefined ? {} : { preApproved: o.preApproved }),
    ...(o.operator === undefined ? {} : { operator: o.operator }),
    interrupt: (reason) => {
      interrupts.push(reason);
      env.halt.interrupted = true;
    },
    track: (fn) => fn,
    digests: new Map(),
  };
  const records = (): AnyRecord[] =>
    sink
      .text()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as AnyRecord);
  return { env, runbook, talosctl, records, events, asked, interrupts };
}

/** Runs one effect (a fromPromise actor logic) with an input, to its output (or its rejection). */
export async function runEffect<O, I>(logic: PromiseActorLogic<O, I>, input: I): Promise<O> {
  const actor = createActor(logic, { input });
  actor.start();
  return toPromise(actor);
}

/** A Replay that has nothing recorded unless told (each method overridable); goLive is counted. */
export function replayStub(over: Partial<Replay> = {}): Replay & { wentLive: number } {
  const r = {
    live: false,
    replayed: 0,
    wentLive: 0,
    command: () => undefined,
    check: () => undefined,
    observation: () => undefined,
    approval: () => undefined,
    manual: () => undefined,
    hasCommand: () => false,
    pollsExhausted: () => false,
    goLive() {
      r.wentLive++;
    },
    ...over,
  };
  return r;
}

/**
 * The smallest gated removal: confirm `c` guards `rm` (remove F_IDS[2] from F_NODES[0]); the
 * approval and recheck tests share it.
 */
export const REMOVE_GATE = {
  steps: `  - id: c
    confirm: { prompt: Remove the member? }
  - id: rm
    talosctl: [etcd, remove-member, ${F_IDS[2]}]
    node: ${F_NODES[0]}
  - id: ok
    end: { outcome: success, message: ok }`,
  options: { params: { nodes: [...F_NODES] } },
  input: (prompt: string): AskApprovalInput => ({
    stepId: 'c',
    prompt,
    token: { type: 'memberId', value: F_IDS[2] },
    guards: ['rm'],
  }),
};
