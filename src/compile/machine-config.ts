import type { RunContext, RunOutput, StateMeta } from './contract.js';

/**
 * The shape of the machine config the compiler writes, as xstate reads it, and the two small
 * constructors every step kind uses: a target by state id and an action by name.
 */

export type Action = { type: string; params?: unknown };
export type Transition = { target: string; guard?: { type: string; params?: unknown } | string; actions?: Action[] };
/** An invoked actor's input, built from the run's context when the state is entered. */
export type InputFn = (a: { context: RunContext }) => unknown;
export interface StateConfig {
  id: string;
  meta: StateMeta;
  type?: 'final';
  initial?: string;
  states?: Record<string, StateConfig>;
  entry?: Action[];
  invoke?: { src: string; input: InputFn; onDone: Transition[]; onError: Transition[] };
  after?: Record<string, Transition[]>;
  always?: Transition[];
  output?: RunOutput | ((a: { context: RunContext }) => RunOutput);
}
/** A named delay: fixed, or computed from the context (a backoff that grows per attempt). */
export type Delay = number | ((a: { context: RunContext }) => number);

/** The transition target of a state id (ids are global: `#<id>`). */
export const to = (stateId: string): string => `#${stateId}`;

/** A named action, with its params when it has any. */
export const act = (type: string, params?: unknown): Action => (params === undefined ? { type } : { type, params });
