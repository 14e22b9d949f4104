import type { RunContext } from '../compile/contract.js';
import type { CompiledRunbook } from '../compile/to-machine.js';
import type { Runbook } from '../runbook/model.js';
import type { Talosctl } from '../talos/talosctl.js';
import type { Gatekeeper } from './approvals.js';
import type { RunEvents } from './events.js';
import type { Journal } from './journal.js';
import type { Replay } from './replay.js';

/**
 * What every effect of a run shares: the adapter (read-only in a dry run), the journal, the
 * event stream the views and callers subscribe to, the gatekeeper (prompts and --approve), and the live machine context.
 * One object, built once per run by run.ts, so each effect file stays a small function of it.
 */
export interface EngineEnv {
  runbook: Runbook;
  compiled: CompiledRunbook;
  /** the adapter every effect uses; in a dry run, a read-only wrapper (no mutating runner exists) */
  talosctl: Talosctl;
  journal: Journal;
  /** every fact of the run is told here (see events.ts `note`: one record, one event) */
  events: RunEvents;
  gate: Gatekeeper;
  dryRun: boolean;
  /** the operator's Ctrl-C: every effect passes it to the adapter and prompts */
  signal: AbortSignal;
  /** the machine's context at this moment (set by run.ts once the actor exists) */
  context(): RunContext;
  /** recorded outputs to replay before going live (resume); undefined in a fresh run */
  replay: Replay | undefined;
  /** a real-time pause (re-observation polls on resume); injected so tests need not wait */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  /** timeout of each read a check or gate makes, ms */
  readTimeoutMs: number;
  /** where a param's value came from (e.g. `snapshot`: a backup fetched before the run) */
  paramSources: Readonly<Record<string, string>>;
  /** steps whose mutating command was only "would run" (dry run): their checks pass as assumed */
  assumed: Set<string>;
  halt: Halt;
  /** drills: who does a manual step instead of a person (e.g. the lab powers machines back on) */
  manual: ManualHandler | undefined;
  /** `--approve <step>` ids: without a terminal they confirm a manual step as done (the hint says so) */
  preApproved?: ReadonlySet<string>;
  operator?: string;
  /** stop the run as if Ctrl-C was pressed (a prompt closed by Ctrl-C in raw mode) */
  interrupt(reason: string): void;
  /** digests approved at each gate in this process, by fingerprint (to say what drifted) */
  /** wraps an effect so the run waits for it to settle before writing run-end */
  /**
   * Wraps every actor: the run loop waits for in-flight effects, and the actor's `signal` also
   * aborts with the run (Ctrl-C) — linked for the actor's lifetime only, so a long run does not
   * pile listeners onto the run's signal.
   */
  track<A extends { signal: AbortSignal }, R>(fn: (a: A) => Promise<R>): (a: A) => Promise<R>;
  digests: Map<string, import('./fingerprint.js').ClusterDigest>;
}

/**
 * Acts out a manual step (drills only: the drill acts as the operator on the lab). The engine
 * journals its answer as a `drill-operator` deviation, so the log never shows it as a person.
 */
export type ManualHandler = (
  stepId: string,
  signal: AbortSignal,
) => Promise<{ done: boolean; by: string; detail: string }>;

/** Why a run stopped short of an outcome the machine knows: a gate nobody could answer, or Ctrl-C. */
export interface Halt {
  interrupted: boolean;
}
