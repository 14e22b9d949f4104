import type { ValueType } from '../checks/catalog.js';
import type { CommandClass, Effect, OutOfService } from '../talos/commands.js';
import type { END_OUTCOMES, ParamDoc, RefDoc, StepKind } from './schema.js';

/**
 * The normalized runbook: what the compiler and the engine read. Every default is filled in
 * (normalize.ts) and durations are milliseconds, so nothing downstream re-derives them.
 */

export type Literal = string | number | boolean | readonly string[];
export type ValueOrRef = RefDoc | Literal;

export type FailurePolicy = { kind: 'abort' } | { kind: 'continue' } | { kind: 'goto'; target: string };

export interface RetryPolicy {
  /** total attempts, the first one included (1 = no retry) */
  attempts: number;
  backoffMs: number;
  factor: number;
  maxBackoffMs: number;
}

/** A check with an optional polling bound: a talosctl step's `done`. */
export interface DoneCheck {
  check: string;
  with: Record<string, ValueOrRef>;
  /** undefined: asked once */
  poll: PollPolicy | undefined;
  /** when it does not hold: a fresh approval to run again, or the attempt counts as failed */
  otherwise: 'ask' | 'fail';
}

export interface PollPolicy {
  timeoutMs: number;
  intervalMs: number;
  factor: number;
  maxIntervalMs: number;
}

interface StepBase {
  id: string;
  title: string;
  description: string | undefined;
  /** index path in the YAML document, e.g. ['steps', 2, 'steps', 0] */
  path: ReadonlyArray<string | number>;
}

interface Invoking {
  timeoutMs: number;
  retry: RetryPolicy;
  onFailure: FailurePolicy;
}

export type Step =
  | (StepBase & Invoking & { kind: 'read'; observe: string; with: Record<string, ValueOrRef>; capture: string })
  | (StepBase &
      Invoking & {
        kind: 'talosctl';
        argv: ReadonlyArray<string | RefDoc>;
        /** undefined only in a runbook that fails lint (RB1218) */
        target: { many: boolean; value: ValueOrRef } | undefined;
        /** the effect from the registry, or a stronger one declared by the runbook */
        effect: Effect;
        /** the registry's classification of the argv (refs read as opaque values) */
        command: CommandClass;
        /** the command shape, e.g. "etcd remove-member <member-id>" */
        subcommand: string;
        /** a typed confirm and a live recheck come before it (irreversible, or a gated disruption) */
        gate: boolean;
        /** a fresh quorum check comes right before it: what it takes out of service */
        quorum: OutOfService | undefined;
        capture: string | undefined;
        /** the check that shows the command took effect (decides an unknown outcome on resume) */
        done: DoneCheck | undefined;
      })
  | (StepBase & Invoking & { kind: 'precondition'; check: string; with: Record<string, ValueOrRef> })
  | (StepBase & {
      kind: 'wait' | 'postcondition';
      check: string;
      with: Record<string, ValueOrRef>;
      /** undefined: a postcondition evaluated once */
      poll: PollPolicy | undefined;
      timeoutMs: number;
      onFailure: FailurePolicy;
    })
  | (StepBase & { kind: 'confirm'; prompt: string; token: ValueOrRef | undefined })
  | (StepBase & { kind: 'manual'; instructions: string; prompt: string })
  | (StepBase & { kind: 'foreach'; in: ValueOrRef; as: string; steps: Step[] })
  | (StepBase & {
      kind: 'choice';
      check: string;
      with: Record<string, ValueOrRef>;
      ifPass: string | undefined;
      ifFail: string | undefined;
      timeoutMs: number;
      onFailure: FailurePolicy;
    })
  | (StepBase & { kind: 'end'; outcome: (typeof END_OUTCOMES)[number]; message: string });

export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;
export type PollingStep = Extract<Step, { kind: 'wait' | 'postcondition' }>;

export interface ParamSpec {
  type: ValueType;
  description: string;
  default: Literal | undefined;
  values: readonly string[] | undefined;
  min: number | undefined;
  max: number | undefined;
}

export interface Runbook {
  apiVersion: 'talos-dr/v1';
  metadata: {
    name: string;
    title: string;
    summary: string | undefined;
    whenToUse: string | undefined;
    references: readonly string[];
  };
  params: Record<string, ParamSpec>;
  steps: Step[];
}

export function isRef(v: unknown): v is RefDoc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { ref?: unknown }).ref === 'string';
}

/** Every step, depth first (foreach bodies after their foreach step). */
export function allSteps(steps: readonly Step[]): Step[] {
  const out: Step[] = [];
  const walk = (list: readonly Step[]): void => {
    for (const s of list) {
      out.push(s);
      if (s.kind === 'foreach') walk(s.steps);
    }
  };
  walk(steps);
  return out;
}

export type { ParamDoc };
