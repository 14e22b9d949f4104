import type { ValueType } from '../../src/checks/catalog.js';
import type { RunContext } from '../../src/compile/contract.js';
import type { CompiledRunbook } from '../../src/compile/to-machine.js';
import { indexSteps } from '../../src/runbook/flow.js';
import { allSteps, type Runbook } from '../../src/runbook/model.js';
import type { Value } from '../../src/runbook/params.js';
import { staticScopes } from '../../src/runbook/scopes.js';

/**
 * A compiled machine as stable JSON, for the golden test that guards refactors of the compiler:
 * every state (in the order the compiler adds them), its meta, its `on`/`after`/`always`
 * transitions with guard names and params, its entry actions, its invoke (src, and the input
 * its function builds from a sample run context), and every delay evaluated along a retry or
 * poll schedule. Functions are called, never printed: two compilers that build the same
 * machine from different code serialise the same way, and one that builds another does not.
 */

/** A value of each type, valid for argv, so input functions resolve instead of throwing. */
const SAMPLE: Record<ValueType, Value> = {
  node: '10.0.0.1',
  nodes: ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
  memberId: '0a1b2c3d4e5f6a7b',
  path: '/var/lib/snap.db',
  duration: '30s',
  percent: 70,
  number: 3,
  string: 'text',
  boolean: true,
  enum: 'value',
};

/** The attempt counts a delay function is evaluated at (a backoff or poll schedule). */
const ATTEMPTS = [0, 1, 2, 3, 4, 8];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Fn = (a: { context: RunContext; event: { type: string } }) => unknown;

/** A run context where every param, capture and loop variable has a value of its type. */
function sampleContext(runbook: Runbook, attempts: number, stepId: string | undefined): RunContext {
  const first = runbook.steps[0]?.id;
  const scope = first === undefined ? undefined : staticScopes(runbook, indexSteps(runbook)).get(first);
  const params = Object.fromEntries(
    Object.entries(runbook.params).map(([k, p]) => [
      k,
      (p.default as Value | undefined) ?? p.values?.[0] ?? SAMPLE[p.type],
    ]),
  );
  const captures = Object.fromEntries(
    Object.entries(scope?.captures ?? {}).map(([name, fields]) => [
      name,
      Object.fromEntries(Object.entries(fields).map(([f, type]) => [f, SAMPLE[type]])),
    ]),
  );
  const vars = Object.fromEntries(
    allSteps(runbook.steps).flatMap((s) => (s.kind === 'foreach' ? [[s.as, '10.0.0.2']] : [])),
  );
  return {
    params,
    captures,
    vars,
    loops: {},
    // every step has made `attempts` attempts (or polls)
    attempts: new Proxy({}, { get: () => attempts }) as Record<string, number>,
    lastFailure: stepId === undefined ? undefined : { stepId, reason: 'the last reason' },
    approval: { stepId: 'approved-step', fingerprint: 'fp', token: { type: 'node', value: '10.0.0.1' } },
  };
}

/** Calls a config function with the sample context; a throw is recorded as its message. */
function call(fn: Fn, context: RunContext): Json {
  try {
    return toJson(fn({ context, event: { type: 'sample' } }));
  } catch (e) {
    return { throws: e instanceof Error ? e.message : String(e) };
  }
}

function toJson(v: unknown): Json {
  if (v === undefined) return null;
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(toJson);
  if (typeof v === 'function') return '<function>';
  const out: Record<string, Json> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = toJson(x);
  return out;
}

/** Serialises a compiled runbook's machine config (see the module comment). */
export function serialiseCompiled(runbook: Runbook, compiled: CompiledRunbook): string {
  const machine = compiled.machine;
  const config = machine.config as unknown as Record<string, unknown>;
  const delays = (machine.implementations.delays ?? {}) as Record<string, number | Fn>;
  const ctx = (stepId: string | undefined) => sampleContext(runbook, 1, stepId);

  const value = (v: unknown, stepId: string | undefined): Json =>
    typeof v === 'function' ? { calls: call(v as Fn, ctx(stepId)) } : toJson(v);
  const action = (a: unknown, stepId: string | undefined): Json => {
    if (typeof a === 'string') return a;
    const { type, params } = a as { type: string; params?: unknown };
    return params === undefined ? { type } : { type, params: value(params, stepId) };
  };
  const transitions = (list: unknown, stepId: string | undefined): Json =>
    ([] as unknown[]).concat(list ?? []).map((tr) => {
      const { target, guard, actions } = tr as { target?: unknown; guard?: unknown; actions?: unknown };
      return toJson({
        target,
        guard: guard === undefined || typeof guard === 'string' ? guard : toJson(guard),
        actions: actions === undefined ? undefined : ([] as unknown[]).concat(actions).map((a) => action(a, stepId)),
      });
    });
  const delay = (key: string): Json => {
    const d = delays[key];
    if (typeof d !== 'function') return toJson(d);
    return ATTEMPTS.map((n) => toJson(d({ context: sampleContext(runbook, n, undefined), event: { type: 'sample' } })));
  };
  const state = (s: Record<string, unknown>): Json => {
    const meta = s.meta as { stepId?: string } | undefined;
    const stepId = meta?.stepId;
    const invoke = s.invoke as Record<string, unknown> | undefined;
    const after = s.after as Record<string, unknown> | undefined;
    const children = s.states as Record<string, Record<string, unknown>> | undefined;
    return toJson({
      id: s.id,
      type: s.type,
      meta: toJson(s.meta),
      initial: s.initial,
      entry: s.entry === undefined ? undefined : ([] as unknown[]).concat(s.entry).map((a) => action(a, stepId)),
      invoke:
        invoke === undefined
          ? undefined
          : {
              src: invoke.src,
              input: value(invoke.input, stepId),
              onDone: transitions(invoke.onDone, stepId),
              onError: transitions(invoke.onError, stepId),
            },
      on: s.on === undefined ? undefined : mapValues(s.on as Record<string, unknown>, (v) => transitions(v, stepId)),
      after:
        after === undefined
          ? undefined
          : Object.fromEntries(
              Object.entries(after).map(([k, v]) => [k, { delay: delay(k), transitions: transitions(v, stepId) }]),
            ),
      always: s.always === undefined ? undefined : transitions(s.always, stepId),
      output: s.output === undefined ? undefined : value(s.output, stepId),
      states: children === undefined ? undefined : Object.values(children).map(state),
    });
  };

  const out = {
    initial: compiled.initial,
    machine: {
      id: config.id,
      initial: config.initial,
      on: mapValues(config.on as Record<string, unknown>, (v) => transitions(v, undefined)),
      states: Object.values(config.states as Record<string, Record<string, unknown>>).map(state),
    },
    delays: Object.keys(delays),
    implementations: {
      actors: Object.keys(machine.implementations.actors ?? {}),
      guards: Object.keys(machine.implementations.guards ?? {}),
      actions: Object.keys(machine.implementations.actions ?? {}),
    },
    metas: toJson(compiled.states),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

function mapValues(o: Record<string, unknown>, f: (v: unknown) => Json): Json {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}
