import type { FailurePolicy, Runbook, Step } from './model.js';

/**
 * The step-level control flow of a runbook: which step can follow which, and whether the edge
 * is a success (captures are set) or a failure. Shared by the rules (refs set on every path)
 * and the compiler (where a step goes next).
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
