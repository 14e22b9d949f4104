import type { RunContext } from '../compile/contract.js';
import type { Step } from '../runbook/model.js';
import { isRef } from '../runbook/model.js';
import { resolveValue, type Scope } from '../runbook/refs.js';
import { classify } from '../talos/commands.js';

/**
 * How a talosctl step reads to a person: its argv and nodes with refs resolved where the values
 * are known, `<ref x>` where they are not yet (plan, or a value captured later). Pure.
 */
export function scopeOf(c: Pick<RunContext, 'params' | 'captures' | 'vars'>): Scope {
  return { params: c.params, captures: c.captures, vars: c.vars };
}

function show(v: unknown, scope: Scope | undefined): string {
  if (isRef(v)) {
    if (scope !== undefined) {
      const r = resolveValue(v, scope);
      if (r.ok) return Array.isArray(r.value) ? r.value.join(',') : String(r.value);
    }
    return `<ref ${v.ref}>`;
  }
  return Array.isArray(v) ? v.join(',') : String(v);
}

export function argvText(step: Extract<Step, { kind: 'talosctl' }>, scope: Scope | undefined): string[] {
  return step.argv.map((a) => show(a, scope));
}

export function targetText(step: Extract<Step, { kind: 'talosctl' }>, scope: Scope | undefined): string {
  return step.target === undefined ? '(no node)' : show(step.target.value, scope);
}

/** "talosctl -n 10.0.0.2 etcd remove-member 0a1b…" */
export function commandText(step: Extract<Step, { kind: 'talosctl' }>, scope: Scope | undefined): string {
  return `talosctl -n ${targetText(step, scope)} ${argvText(step, scope).join(' ')}`;
}

/**
 * What the step's argv destroys once its refs are known (e.g. the labels a reset wipes, read
 * from the node just before): the registry's words for the resolved argv, or the compiled ones
 * while a ref is still unknown.
 */
export function destroysText(step: Extract<Step, { kind: 'talosctl' }>, scope: Scope | undefined): string | undefined {
  if (scope !== undefined) {
    const resolved: string[] = [];
    for (const a of step.argv) {
      if (!isRef(a)) {
        resolved.push(String(a));
        continue;
      }
      const r = resolveValue(a, scope);
      if (!r.ok) return step.command.destroys;
      resolved.push(Array.isArray(r.value) ? r.value.join(',') : String(r.value));
    }
    const c = classify(resolved);
    if (c.ok) return c.value.destroys ?? step.command.destroys;
  }
  return step.command.destroys;
}
