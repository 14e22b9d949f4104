import { OBSERVATIONS, type ValueType } from '../checks/catalog.js';
import { ownEntry } from './catalog-entry.js';
import { END, flowEdges, type StepInfo } from './flow.js';
import type { Step } from './model.js';

/**
 * Captures: the name a step stores its outputs under, their static types, and which captures
 * are set on every path into a step. The rules type refs with them; the compiler asks the
 * executor to parse exactly these outputs.
 */

/** The static types of captures each step defines: observation outputs or the command's outputs. */
export function captureTypes(step: Step): Record<string, ValueType> | undefined {
  if (step.kind === 'read') {
    const spec = ownEntry(OBSERVATIONS, step.observe) as { outputs: Record<string, { type: ValueType }> } | undefined;
    return spec === undefined
      ? undefined
      : Object.fromEntries(Object.entries(spec.outputs).map(([k, o]) => [k, o.type]));
  }
  if (step.kind === 'talosctl' && step.capture !== undefined) {
    const outs = step.command.outputs;
    return outs === undefined ? undefined : Object.fromEntries(Object.entries(outs).map(([k, o]) => [k, o.type]));
  }
  return undefined;
}

/** The capture a step defines, if any. */
export const captureName = (s: Step): string | undefined =>
  s.kind === 'read' ? s.capture : s.kind === 'talosctl' ? s.capture : undefined;

/** Captures set on every path into each step: a forward must-analysis over the step flow. */
export function definiteCaptures(index: Map<string, StepInfo>, entry: string | undefined): Map<string, Set<string>> {
  const universe = new Set<string>();
  for (const { step } of index.values()) {
    const c = captureName(step);
    if (c !== undefined) universe.add(c);
  }
  const inSets = new Map<string, Set<string>>();
  for (const id of index.keys()) inSets.set(id, id === entry ? new Set() : new Set(universe));
  let changed = true;
  while (changed) {
    changed = false;
    const incoming = new Map<string, Set<string>[]>();
    for (const [id, info] of index) {
      const inSet = inSets.get(id) ?? new Set<string>();
      const c = captureName(info.step);
      for (const e of flowEdges(info)) {
        if (e.to === END || !index.has(e.to)) continue;
        const outSet = new Set(inSet);
        if (e.ok && c !== undefined) outSet.add(c);
        const list = incoming.get(e.to) ?? [];
        list.push(outSet);
        incoming.set(e.to, list);
      }
    }
    for (const [id, lists] of incoming) {
      if (id === entry) continue;
      const meet = new Set([...(lists[0] ?? [])].filter((c) => lists.every((l) => l.has(c))));
      const before = inSets.get(id);
      if (before === undefined || before.size !== meet.size) {
        inSets.set(id, meet);
        changed = true;
      }
    }
  }
  return inSets;
}
