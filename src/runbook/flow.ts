import type { ValueType } from '../checks/catalog.js';
import { type FailurePolicy, isRef, type Runbook, type Step, type StepOf, type ValueOrRef } from './model.js';
import { type StaticScope, typeOfRef } from './refs.js';

/**
 * The step-level control flow of a runbook: which step can follow which, and whether the edge
 * is a success (captures are set) or a failure. Shared by the rules (refs set on every path),
 * the compiler (where a step goes next) and the engine (what a confirm approves).
 */

export const END = '$end';

export interface FlowEdge {
  to: string;
  /** true when the step succeeded on this edge, so its capture is set */
  ok: boolean;
}

export interface StepInfo {
  step: Step;
  /** the step (or END / the loop head) that follows when this one succeeds */
  next: string;
  /** the enclosing foreach steps, outermost first */
  loops: Step[];
  /** step ids a goto from here may target: this list and every enclosing one */
  visible: string[];
}

/** Every step by id with its successor and scope (first occurrence wins on duplicate ids). */
export function indexSteps(runbook: Runbook): Map<string, StepInfo> {
  const index = new Map<string, StepInfo>();
  const walk = (list: readonly Step[], after: string, loops: Step[], outer: string[]): void => {
    const visible = [...list.map((s) => s.id), ...outer];
    list.forEach((step, i) => {
      const next = list[i + 1]?.id ?? after;
      if (!index.has(step.id)) index.set(step.id, { step, next, loops, visible });
      if (step.kind === 'foreach') walk(step.steps, step.id, [...loops, step], visible);
    });
  };
  walk(runbook.steps, END, [], []);
  return index;
}

/** Where a failure goes under a policy: END (the run stops), the next step, or a goto target. */
export function failureTarget(policy: FailurePolicy, next: string): string {
  if (policy.kind === 'abort') return END;
  return policy.kind === 'continue' ? next : policy.target;
}

/** The successors of one step. A foreach step edges to its first body step and past the loop. */
export function flowEdges(info: StepInfo): FlowEdge[] {
  const { step, next } = info;
  switch (step.kind) {
    case 'end':
      return [];
    case 'foreach':
      return [
        { to: step.steps[0]?.id ?? next, ok: true },
        { to: next, ok: true },
      ];
    case 'confirm':
    case 'manual':
      return [
        { to: next, ok: true },
        { to: END, ok: false },
      ];
    case 'choice':
      return [
        { to: step.ifPass ?? next, ok: true },
        { to: step.ifFail ?? next, ok: true },
        { to: failureTarget(step.onFailure, next), ok: false },
      ];
    default:
      return [
        { to: next, ok: true },
        { to: failureTarget(step.onFailure, next), ok: false },
      ];
  }
}

/** The irreversible steps a confirm guards: reachable from it before another confirm. */
export function guardedSteps(confirmId: string, index: Map<string, StepInfo>): Array<StepOf<'talosctl'>> {
  const out: Array<StepOf<'talosctl'>> = [];
  const seen = new Set<string>([confirmId]);
  const queue = [index.get(confirmId)?.next ?? END];
  while (queue.length > 0) {
    const id = queue.shift() ?? END;
    const i = index.get(id);
    if (i === undefined || seen.has(id)) continue;
    seen.add(id);
    const s = i.step;
    if (s.kind === 'confirm') continue;
    if (s.kind === 'talosctl' && s.gate) {
      out.push(s);
      continue;
    }
    queue.push(...flowEdges(i).map((e) => e.to));
  }
  return out;
}

/** Where a gate's token comes from: a value (or ref) of the runbook and the type the operator types. */
export interface TokenSource {
  value: ValueOrRef;
  type: ValueType;
}

/**
 * What the operator must type to approve the steps a gate guards: the confirm's own `token:`
 * when it has one, else the member the first guarded command destroys, else the node it is
 * sent to; undefined when none is known (a step on several nodes).
 */
export function tokenSource(
  explicit: { value: ValueOrRef; at: string } | undefined,
  guarded: ReadonlyArray<StepOf<'talosctl'>>,
  index: Map<string, StepInfo>,
  scopes: Map<string, StaticScope>,
): TokenSource | undefined {
  const typeOf = (v: ValueOrRef, at: string, fallback: ValueType): ValueType => {
    const scope = scopes.get(at);
    return isRef(v) && scope ? (typeOfRef(v.ref, scope) ?? fallback) : fallback;
  };
  if (explicit !== undefined) return { value: explicit.value, type: typeOf(explicit.value, explicit.at, 'string') };
  const first = guarded[0];
  if (first === undefined || !index.has(first.id)) return undefined;
  // the member the command destroys: a memberId ref, or remove-member's literal id (asking for
  // the node there let an approval of the node it is sent to remove any member: crash property)
  const member =
    first.argv.find((a) => isRef(a) && typeOf(a, first.id, 'string') === 'memberId') ??
    (first.command.shape === 'etcd remove-member <member-id>' ? first.argv[2] : undefined);
  if (member !== undefined) return { value: member, type: 'memberId' };
  return first.target === undefined || first.target.many ? undefined : { value: first.target.value, type: 'node' };
}
