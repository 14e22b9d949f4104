import type { ValueType } from '../checks/catalog.js';
import type { Value } from '../runbook/params.js';
import type { Effect } from '../talos/commands.js';

/**
 * THE EXECUTOR CONTRACT: what a compiled runbook machine asks of the engine. The machine names
 * its effects (actors) only; the executor provides them with `machine.provide({ actors })`,
 * each as a `fromPromise` whose `signal` aborts the work when the machine leaves the state
 * (a step timeout, an abort). Polling, retries, backoff and timeouts are the machine's
 * (`after` transitions on the actor's clock): an actor does ONE thing per invocation.
 */

/** The actor names a compiled machine invokes. */
export const ACTOR_NAMES = [
  'runTalosctl',
  'evaluateCheck',
  'observe',
  'askApproval',
  'recheckApproval',
  'awaitManual',
] as const;
export type ActorName = (typeof ACTOR_NAMES)[number];

/** runTalosctl: one talosctl argv, run once per node (sequentially), never through a shell. */
export interface RunTalosctlInput {
  stepId: string;
  /** argv after "talosctl", refs resolved and validated (validateArgvValue); no -n/-e flags */
  argv: string[];
  /** the executor runs one call per node: `talosctl -n <node> ...argv` */
  nodes: string[];
  /** from src/talos/commands.ts (or stronger, as declared): a dry run runs reads only */
  effect: Effect;
  /** compiled behind a confirm and a live recheck (the argv resolved at run time must not need more) */
  gate: boolean;
  /** compiled behind a fresh quorum check */
  quorum: boolean;
  /** kill the call after this long (the machine also leaves the state after it) */
  timeoutMs: number;
  /** outputs to parse from the result (the command's outputs in the registry), or undefined */
  capture: { name: string; fields: Record<string, ValueType> } | undefined;
}
export interface NodeResult {
  node: string;
  ok: boolean;
  exitCode: number | undefined;
  /** one human line: "exit 1: etcdserver: ..." or "ok" */
  summary: string;
}
export interface RunTalosctlOutput {
  /** true when every node's call succeeded */
  ok: boolean;
  /**
   * a change whose outcome nobody knows: its intent is in the log and its result is not (a
   * crash), or its call was cut short (step timeout, Ctrl-C). The machine re-observes it.
   */
  unknown?: string;
  /**
   * a failure no retry can mend (a certificate, RBAC or endpoint problem: error class `config`):
   * why, with the fix. The machine does not spend the step's retries on it.
   */
  noRetry?: string;
  results: NodeResult[];
  /** the typed outputs named in `capture.fields`, when ok and capture was asked */
  captured: Record<string, Value> | undefined;
}

export type CheckMode = 'precondition' | 'wait' | 'postcondition' | 'choice';
/** evaluateCheck: ONE evaluation of a catalog check (src/checks/catalog.ts CHECKS). */
export interface EvaluateCheckInput {
  stepId: string;
  check: string;
  /** `with:` arguments, refs resolved */
  args: Record<string, Value>;
  mode: CheckMode;
  /** 0 for the first poll of a wait, then 1, 2, … */
  poll: number;
}
export interface EvaluateCheckOutput {
  /** replay only: the recorded run left this poll loop by its timeout here */
  exhausted?: boolean;
  /**
   * 'unknown': the check could not see enough to decide (an error, unparsed output, a missing row,
   * PermissionDenied, a timeout). Never the pass branch: a precondition stops (precondition-failed,
   * exit 4), a wait polls again, a choice follows its onFailure; `description` says what was not seen.
   */
  verdict: 'pass' | 'fail' | 'unknown';
  /** what was seen, for the journal */
  observed: Record<string, unknown>;
  /** a human sentence: "member 0a1b… is a learner" */
  description: string;
}

/** observe: a read step's observation (catalog OBSERVATIONS); outputs become `captures[capture]`. */
export interface ObserveInput {
  stepId: string;
  observation: string;
  args: Record<string, Value>;
  capture: string;
}
export interface ObserveOutput {
  /** every output the catalog declares for the observation, typed as declared */
  outputs: Record<string, Value>;
}

/** What the operator must type to approve: the target of the guarded irreversible step. */
export interface ApprovalToken {
  type: ValueType;
  value: string;
}
/** askApproval: a confirm step. Declining ends the run with outcome 'declined' (exit 3). */
export interface AskApprovalInput {
  stepId: string;
  prompt: string;
  /** re-approval of a gated step whose earlier attempt has an unknown outcome (resume) */
  again?: boolean;
  /** the resolved target (member id, node) of the next irreversible step when known at this point */
  token: ApprovalToken | undefined;
  /** ids of the irreversible steps this confirm guards (reachable before the next confirm) */
  guards: string[];
}
export interface AskApprovalOutput {
  approved: boolean;
  /** nobody could answer (no terminal, no matching --approve): the run stops here, resumable */
  stopped?: boolean;
  /** a digest of the cluster state the operator approved (members, leader, alarms, …) */
  fingerprint: string;
  /** who approved, and how (tty, --approve flag) — for the journal */
  by: string;
}

/** recheckApproval: inserted before EVERY irreversible talosctl step; re-reads the cluster. */
export interface RecheckApprovalInput {
  /** the irreversible step about to run */
  stepId: string;
  approval: ApprovalRecord | undefined;
}
export interface RecheckApprovalOutput {
  /** false when the cluster changed since the approval: the run stops with 'approval-stale' */
  unchanged: boolean;
  detail: string;
}

/** awaitManual: the operator acts outside the tool, then says done (or gives up: 'aborted'). */
export interface AwaitManualInput {
  stepId: string;
  instructions: string;
  prompt: string;
}
export interface AwaitManualOutput {
  done: boolean;
  /** no terminal to confirm it: the run stops here, resumable */
  stopped?: boolean;
}

/** Each actor's output by name: what the guards and context updates read from its done event. */
export interface ActorOutputs {
  runTalosctl: RunTalosctlOutput;
  evaluateCheck: EvaluateCheckOutput;
  observe: ObserveOutput;
  askApproval: AskApprovalOutput;
  recheckApproval: RecheckApprovalOutput;
  awaitManual: AwaitManualOutput;
}

export interface ApprovalRecord {
  stepId: string;
  fingerprint: string;
  token: ApprovalToken | undefined;
}

export interface Failure {
  stepId: string;
  reason: string;
}

/** The machine's context: all run state lives here, so a persisted snapshot resumes exactly. */
export interface RunContext {
  /** validated params (defaults applied): the machine input */
  params: Record<string, Value>;
  /** captures[captureName][field] */
  captures: Record<string, Record<string, Value>>;
  /** foreach variables currently in scope */
  vars: Record<string, Value>;
  /** foreach position by foreach step id */
  loops: Record<string, { index: number; items: string[] }>;
  /** retries done (or polls made) by step id; reset when the step is left */
  attempts: Record<string, number>;
  lastFailure: Failure | undefined;
  /** the latest approval, consumed by the irreversible step it guards */
  approval: ApprovalRecord | undefined;
}

/** The machine input: params already validated by validateParamValue, defaults applied. */
export interface MachineInput {
  params: Record<string, Value>;
}

/** The only event the executor sends: stop now (Ctrl-C). The run ends 'aborted'. */
export type RunEvent = { type: 'run.abort'; reason: string };

export type RunOutcome =
  | 'success'
  | 'failed'
  | 'aborted'
  | 'precondition-failed'
  | 'declined'
  | 'approval-stale'
  /** a gate or manual step nobody could answer (non-interactive, no --approve): resumable */
  | 'stopped-at-gate';

/** The output of every final state (snapshot.output when status is 'done'). */
export interface RunOutput {
  outcome: RunOutcome;
  /** the end step, or the step that failed / was declined; undefined when the steps ran out */
  stepId: string | undefined;
  message: string | undefined;
}

/** Exit code per outcome (design.md): what the CLI returns after a run. */
export const OUTCOME_EXIT: Readonly<Record<RunOutcome, number>> = {
  success: 0,
  failed: 1,
  aborted: 1,
  'precondition-failed': 4,
  declined: 3,
  'approval-stale': 3,
  'stopped-at-gate': 3,
};

/** The role of a state, in its `meta`, for the verifier, the journal and the graph. */
export type StateRole =
  | 'command'
  | 'recheck'
  | 'quorum'
  /** re-observe a change whose outcome is unknown: its done: check */
  | 'reobserve'
  | 'retry'
  | 'check'
  | 'wait'
  | 'poll'
  | 'sleep'
  | 'observe'
  | 'confirm'
  | 'manual'
  | 'loop'
  | 'loop-next'
  | 'end'
  | 'outcome';

export interface StateMeta {
  stepId: string | undefined;
  role: StateRole;
  effect: Effect | undefined;
  /** a command state: needs a confirm and its recheck first (irreversible, or a gated disruption) */
  gate?: boolean;
  /** a command state: needs its fresh quorum check right before it (disruptive) */
  quorum?: boolean;
}
