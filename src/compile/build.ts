import { indexSteps, type StepInfo } from '../runbook/flow.js';
import type { Runbook, Step } from '../runbook/model.js';
import type { Checked } from '../runbook/params.js';
import type { Scope, StaticScope } from '../runbook/refs.js';
import { staticScopes } from '../runbook/scopes.js';
import type { RunContext, StateMeta } from './contract.js';
import type { Delay, StateConfig } from './machine-config.js';

/**
 * One compilation in progress: the runbook, what the compiler knows about its steps, and the
 * states and delays added so far. Every step-kind module receives it and adds to it; nothing
 * else is shared between them.
 */
export interface Build {
  readonly runbook: Runbook;
  readonly index: Map<string, StepInfo>;
  readonly scopes: Map<string, StaticScope>;
  /** the machine's top-level states, in the order they are added (the graph lists them so) */
  readonly states: Record<string, StateConfig>;
  readonly delays: Record<string, Delay>;
  /** every state id, nested ones included → its step and role */
  readonly metas: Record<string, StateMeta>;
}

/** How long a check the compiler adds (a quorum check, a re-observation) may take. */
export const CHECK_TIMEOUT_MS = 30_000;

export function startBuild(runbook: Runbook): Build {
  const index = indexSteps(runbook);
  return { runbook, index, scopes: staticScopes(runbook, index), states: {}, delays: {}, metas: {} };
}

/** Adds a state at the top level, or under `parent` (a compound state's children). */
export function addState(b: Build, cfg: StateConfig, parent: Record<string, StateConfig> = b.states): void {
  parent[cfg.id] = cfg;
  b.metas[cfg.id] = cfg.meta;
}

export function stepInfo(b: Build, id: string): StepInfo {
  const i = b.index.get(id);
  if (i === undefined) throw new Error(`unknown step "${id}"`);
  return i;
}

/**
 * The state a step is entered through: an irreversible (or gated) command through its recheck,
 * a disruptive one through its quorum check (recheck → quorum → command), any other step itself.
 */
export function entryOf(b: Build, id: string): string {
  const step = stepInfo(b, id).step;
  if (step.kind !== 'talosctl') return id;
  return step.gate ? `${id}:recheck` : step.quorum !== undefined ? `${id}:quorum` : id;
}

/** A state's meta: its step, its role, and for a command what guards it. */
export function stateMeta(step: Step | undefined, role: StateMeta['role']): StateMeta {
  return {
    stepId: step?.id,
    role,
    effect: step?.kind === 'talosctl' ? step.effect : undefined,
    ...(step?.kind === 'talosctl' && role === 'command' ? { gate: step.gate, quorum: step.quorum !== undefined } : {}),
  };
}

/** What a ref can see in a running machine. */
export const scopeOf = (c: RunContext): Scope => ({ params: c.params, captures: c.captures, vars: c.vars });

/** A resolved value; lint has proven it resolves, so a failure here is a bug, named by step. */
export function must<T>(r: Checked<T>, stepId: string): T {
  if (!r.ok) throw new Error(`step "${stepId}": ${r.reason}`);
  return r.value;
}
