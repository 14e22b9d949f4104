import type { AnyRecord } from '../audit/log-format.js';
import type { Signer } from '../audit/sign.js';
import type { CheckpointWitness, WitnessConfig } from '../audit/witness.js';
import type { CompiledRunbook } from '../compile/to-machine.js';
import type { CliContext } from '../io/context.js';
import type { Runbook } from '../runbook/model.js';
import type { Value } from '../runbook/params.js';
import type { Talosctl } from '../talos/talosctl.js';
import type { ManualHandler } from './env.js';
import type { RunEventListener } from './events.js';
import type { Journal, UnsignedTail } from './journal.js';
import type { Prompter } from './prompter.js';

/** What a session (session.ts) is built from: the run's inputs and where it reaches the cluster. */

export interface Target {
  talosctl: string | undefined;
  talosconfig: string | undefined;
  context: string | undefined;
  endpoints: string[];
}

export interface SessionOptions {
  ctx: CliContext;
  runbookPath: string;
  runbookText: string;
  runbook: Runbook;
  compiled: CompiledRunbook;
  params: Record<string, Value>;
  approve: readonly string[];
  operator: string | undefined;
  target: Target;
  dryRun: boolean;
  /** each read of a check, observation or gate (run --read-timeout; default 10 s) */
  readTimeoutMs?: number;
  /** where a param's value came from (a snapshot fetched from a backup): logged, shown at gates */
  paramSources?: Readonly<Record<string, string>>;
  /** dry run only: answer reads from this recorded log */
  replayRecords?: readonly AnyRecord[];
  /** new run: where the log goes (default $TALOS_DR_LOG_DIR or ./talos-dr-logs, then <name>-<time>.jsonl) */
  logPath?: string;
  /** resume: the verified log and its records; the unsigned tail the operator accepted, if any */
  resume?: {
    path: string;
    journal: Journal;
    records: readonly AnyRecord[];
    unsignedTail?: UnsignedTail | null;
    /** flags the resume was told to override with (recorded in the resume record) */
    overrides?: string[];
    /** --retarget: go on although the cluster identity or the way to reach it changed */
    retarget?: boolean;
  };
  /** leaves each checkpoint's head outside the log (a new run's journal; a resume's is given one by its caller) */
  witness?: { config: WitnessConfig; sink?: CheckpointWitness };
  /** signs checkpoints and the final record (run --sign-key) */
  signer?: Signer;
  /** tests: answer prompts */
  prompter?: Prompter;
  /** drills: acts out manual steps on the lab */
  manual?: ManualHandler;
  /** tests and in-process callers: this adapter instead of the binary `target` names */
  talosctl?: Talosctl;
  /** an in-process caller hears every run event (e.g. a drill waiting for a step to start) */
  onEvent?: RunEventListener;
}
