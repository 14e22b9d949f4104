import type { ValueType } from '../checks/catalog.js';
import type { ValueOrRef } from './model.js';
import { isRef } from './model.js';
import { type Checked, hasControlChar, type Value, validateArgvValue, validateValue } from './params.js';
import type { RefDoc } from './schema.js';

/**
 * The tiny typed resolver of `{ ref: … }`: `params.<name>`, `<capture>.<field>` or a foreach
 * variable. No eval, no templating: a ref names one value. Pure; the machine's input functions
 * call it with the run's context.
 */

/** What a ref can see at run time. */
export interface Scope {
  params: Readonly<Record<string, Value>>;
  captures: Readonly<Record<string, Readonly<Record<string, Value>>>>;
  vars: Readonly<Record<string, Value>>;
}

/** What a ref can see at lint time: the types instead of the values. */
export interface StaticScope {
  params: Readonly<Record<string, { type: ValueType; values?: readonly string[] | undefined }>>;
  captures: Readonly<Record<string, Readonly<Record<string, ValueType>>>>;
  vars: Readonly<Record<string, ValueType>>;
}

export type RefTarget =
  | { kind: 'param'; name: string }
  | { kind: 'capture'; name: string; field: string }
  | { kind: 'var'; name: string };

/** What a ref string names, by its shape alone. */
export function parseRef(ref: string): RefTarget {
  const dot = ref.indexOf('.');
  if (dot < 0) return { kind: 'var', name: ref };
  const head = ref.slice(0, dot);
  const tail = ref.slice(dot + 1);
  return head === 'params' ? { kind: 'param', name: tail } : { kind: 'capture', name: head, field: tail };
}

/**
 * A record's own entry, never an inherited one: a ref such as `constructor.prototype` or
 * `params.__proto__` must name nothing rather than reach Object.prototype.
 */
function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The static type of a ref, or undefined when it names nothing in scope. */
export function typeOfRef(ref: string, scope: StaticScope): ValueType | undefined {
  const t = parseRef(ref);
  if (t.kind === 'param') return own(scope.params, t.name)?.type;
  if (t.kind === 'var') return own(scope.vars, t.name);
  return own(own(scope.captures, t.name), t.field);
}

/** Everything a ref could name in this scope, for "known here:" hints. */
export function knownRefs(scope: StaticScope): string[] {
  return [
    ...Object.keys(scope.params).map((p) => `params.${p}`),
    ...Object.entries(scope.captures).flatMap(([c, fields]) => Object.keys(fields).map((f) => `${c}.${f}`)),
    ...Object.keys(scope.vars),
  ];
}

/** The value a ref names at run time. */
export function resolveRef(ref: RefDoc, scope: Scope): Checked<Value> {
  const t = parseRef(ref.ref);
  const v =
    t.kind === 'param'
      ? own(scope.params, t.name)
      : t.kind === 'var'
        ? own(scope.vars, t.name)
        : own(own(scope.captures, t.name), t.field);
  return v === undefined ? { ok: false, reason: `{ ref: ${ref.ref} } is not set` } : { ok: true, value: v };
}

/** A literal stays itself; a ref is looked up. */
export function resolveValue(v: ValueOrRef, scope: Scope): Checked<Value> {
  return isRef(v) ? resolveRef(v, scope) : { ok: true, value: v };
}

/** The `with:` arguments of a check or observation, resolved. */
export function resolveArgs(args: Readonly<Record<string, ValueOrRef>>, scope: Scope): Checked<Record<string, Value>> {
  const out: Record<string, Value> = {};
  for (const [k, v] of Object.entries(args)) {
    const r = resolveValue(v, scope);
    if (!r.ok) return { ok: false, reason: `with.${k}: ${r.reason}` };
    out[k] = r.value;
  }
  return { ok: true, value: out };
}

/** A node or nodes target, resolved and validated as node addresses (a single node becomes a list). */
export function resolveNodes(v: ValueOrRef, scope: Scope): Checked<string[]> {
  const r = resolveValue(v, scope);
  if (!r.ok) return r;
  const list = typeof r.value === 'string' ? [r.value] : r.value;
  const checked = validateValue('nodes', Array.isArray(list) ? list : []);
  return checked.ok ? { ok: true, value: [...(list as readonly string[])] } : checked;
}

/**
 * An argv with its refs resolved; each ref value is validated against its static type by
 * validateArgvValue (no flag injection, no control characters, typed). `types[i]` is the type
 * of item i when it is a ref.
 */
export function resolveArgv(
  argv: ReadonlyArray<string | RefDoc>,
  types: ReadonlyArray<ValueType | undefined>,
  scope: Scope,
): Checked<string[]> {
  const out: string[] = [];
  for (const [i, item] of argv.entries()) {
    if (!isRef(item)) {
      if (hasControlChar(item)) return { ok: false, reason: `argv[${i}] contains a control character` };
      out.push(item);
      continue;
    }
    const r = resolveRef(item, scope);
    if (!r.ok) return { ok: false, reason: `argv[${i}]: ${r.reason}` };
    const checked = validateArgvValue(types[i] ?? 'string', r.value);
    if (!checked.ok) return { ok: false, reason: `argv[${i}] { ref: ${item.ref} }: ${checked.reason}` };
    out.push(checked.value);
  }
  return { ok: true, value: out };
}
