import type { ValueType } from '../checks/catalog.js';
import { captureTypes } from './captures.js';
import type { StepInfo } from './flow.js';
import type { Runbook } from './model.js';
import type { StaticScope } from './refs.js';

/**
 * The static scope of each step: param types, every capture's field types, and the loop
 * variables in scope (a foreach over nodes binds a node). Used by the rules and the compiler.
 */
export function staticScopes(runbook: Runbook, index: Map<string, StepInfo>): Map<string, StaticScope> {
  const captures: Record<string, Record<string, ValueType>> = {};
  for (const { step } of index.values()) {
    const types = captureTypes(step);
    const name = step.kind === 'read' || step.kind === 'talosctl' ? step.capture : undefined;
    if (name !== undefined && types !== undefined) captures[name] = types;
  }
  const out = new Map<string, StaticScope>();
  for (const [id, { loops }] of index) {
    const vars: Record<string, ValueType> = {};
    for (const l of loops) if (l.kind === 'foreach') vars[l.as] = 'node';
    out.set(id, { params: runbook.params, captures, vars });
  }
  return out;
}
