import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { type Diagnostic, makeDiagnostic } from '../runbook/diagnostics.js';
import type { Location } from '../runbook/load.js';
import type { StateMeta } from './contract.js';

/**
 * Static proofs over the COMPILED machine (every transition: next, goto, retry, onFailure,
 * timeouts, loops): (a) every gated command (irreversible, or a disruption that needs a typed
 * approval) is reached only through a confirm since the last gated command, and its recheck
 * state; (a') every disruptive command is entered only from its own fresh quorum check;
 * (b) every wait has a finite timeout; (c) every reachable state can still finish; (d) every
 * step can run.
 */

export interface VerifyEdge {
  to: string;
  /** leaving a confirm through its "approved" transition */
  arms: boolean;
}
export interface VerifyState {
  id: string;
  stepId: string | undefined;
  /** irreversible: a gated command (a confirm and its recheck before it) */
  kind: 'irreversible' | 'recheck' | 'quorum' | 'outcome' | 'other';
  /** a command that must be entered from its own quorum state */
  needsQuorum: boolean;
  final: boolean;
  edges: VerifyEdge[];
}
export interface VerifyGraph {
  initial: string;
  states: Map<string, VerifyState>;
  /** wait states with whether their overall timeout is a finite delay */
  waits: Array<{ id: string; stepId: string | undefined; finite: boolean }>;
}
export interface Violation {
  code: 'RB1301' | 'RB1302' | 'RB1303' | 'RB1304' | 'RB1305' | 'RB1306';
  stateId: string;
  stepId: string;
}

const metaOf = (n: AnyStateNode): StateMeta | undefined => n.meta as StateMeta | undefined;

function leafOf(n: AnyStateNode): AnyStateNode {
  let cur = n;
  while (cur.type === 'compound') {
    const next = cur.initial.target[0];
    if (next === undefined) break;
    cur = next;
  }
  return cur;
}

/** The machine as a plain graph of leaf states (transitions of ancestors apply to leaves). */
export function machineToGraph(machine: AnyStateMachine): VerifyGraph {
  const states = new Map<string, VerifyState>();
  const waits: VerifyGraph['waits'] = [];
  const delays = (machine.implementations.delays ?? {}) as Record<string, unknown>;
  const visit = (node: AnyStateNode): void => {
    const meta = metaOf(node);
    if (meta?.role === 'wait') {
      const finite = node.after.some((t) => {
        const d = typeof t.delay === 'string' ? delays[t.delay] : t.delay;
        return (
          typeof d === 'number' &&
          Number.isFinite(d) &&
          d > 0 &&
          (t.target ?? []).every((x) => !x.id.startsWith(`${node.id}:`))
        );
      });
      waits.push({ id: node.id, stepId: meta.stepId, finite });
    }
    const children = Object.values(node.states) as AnyStateNode[];
    if (children.length > 0 && node.type !== 'final') {
      for (const c of children) visit(c);
      return;
    }
    const edges: VerifyEdge[] = [];
    for (let cur: AnyStateNode | undefined = node; cur !== undefined; cur = cur.parent) {
      const all = [...[...cur.transitions.values()].flat(), ...(cur.always ?? [])];
      for (const t of all) {
        // run.abort is the operator interrupting, not a path of the runbook
        if (t.eventType === 'run.abort') continue;
        const guard = t.guard as { type?: string } | string | undefined;
        const guardType = typeof guard === 'string' ? guard : guard?.type;
        for (const target of t.target ?? []) {
          edges.push({ to: leafOf(target).id, arms: meta?.role === 'confirm' && guardType === 'approved' });
        }
      }
    }
    // a command is gated when its meta says so, and always when it is irreversible
    const gated = meta?.role === 'command' && (meta.gate === true || meta.effect === 'irreversible');
    const kind = gated
      ? 'irreversible'
      : meta?.role === 'recheck'
        ? 'recheck'
        : meta?.role === 'quorum'
          ? 'quorum'
          : meta?.role === 'outcome'
            ? 'outcome'
            : 'other';
    const needsQuorum = meta?.role === 'command' && (meta.quorum === true || meta.effect === 'disruptive');
    states.set(node.id, {
      id: node.id,
      stepId: meta?.stepId,
      kind,
      needsQuorum,
      final: node.type === 'final',
      edges,
    });
  };
  visit(machine.root);
  return { initial: leafOf(machine.root).id, states, waits };
}

/** The states reachable from the initial one. */
export function reachable(g: VerifyGraph): Set<string> {
  const seen = new Set<string>([g.initial]);
  const queue = [g.initial];
  while (queue.length > 0) {
    const s = g.states.get(queue.pop() ?? '');
    for (const e of s?.edges ?? []) {
      if (!seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return seen;
}

/** Irreversible states some path reaches without a confirm since the last irreversible command. */
export function unguardedIrreversible(g: VerifyGraph, live: Set<string> = reachable(g)): Set<string> {
  // armed[s]: on EVERY path into s, a confirm was passed after the last irreversible command.
  const armed = new Map<string, boolean>();
  for (const id of live) armed.set(id, id !== g.initial);
  let changed = true;
  while (changed) {
    changed = false;
    for (const id of live) {
      const s = g.states.get(id);
      if (s === undefined) continue;
      const out = s.kind === 'irreversible' ? false : (armed.get(id) ?? false);
      for (const e of s.edges) {
        const value = e.arms || out;
        if (!value && armed.get(e.to) === true) {
          armed.set(e.to, false);
          changed = true;
        }
      }
    }
  }
  return new Set([...live].filter((id) => g.states.get(id)?.kind === 'irreversible' && armed.get(id) === false));
}

/** Every violation of (a)–(d), in state order. */
export function verifyGraph(g: VerifyGraph): Violation[] {
  const out: Violation[] = [];
  const live = reachable(g);
  const unguarded = unguardedIrreversible(g, live);
  const preds = new Map<string, string[]>();
  for (const id of live)
    for (const e of g.states.get(id)?.edges ?? []) preds.set(e.to, [...(preds.get(e.to) ?? []), id]);
  const from = (id: string, kind: VerifyState['kind'], stepId: string | undefined): boolean =>
    (preds.get(id) ?? []).every((p) => {
      const ps = g.states.get(p);
      return ps?.kind === kind && ps.stepId === stepId;
    });
  for (const s of g.states.values()) {
    if (!live.has(s.id)) continue;
    const stepId = s.stepId ?? s.id;
    if (s.needsQuorum && !from(s.id, 'quorum', s.stepId)) out.push({ code: 'RB1306', stateId: s.id, stepId });
    if (s.kind !== 'irreversible') continue;
    if (unguarded.has(s.id)) out.push({ code: 'RB1301', stateId: s.id, stepId });
    // the recheck comes right before the command, or right before its quorum check
    const viaQuorum = s.needsQuorum && from(s.id, 'quorum', s.stepId);
    const rechecked = viaQuorum
      ? (preds.get(s.id) ?? []).every((q) => from(q, 'recheck', s.stepId))
      : from(s.id, 'recheck', s.stepId);
    if (!rechecked) out.push({ code: 'RB1302', stateId: s.id, stepId });
  }
  for (const w of g.waits) if (!w.finite) out.push({ code: 'RB1303', stateId: w.id, stepId: w.stepId ?? w.id });
  // (c) can finish: backwards from the final states
  const finishing = new Set([...g.states.values()].filter((s) => s.final).map((s) => s.id));
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of g.states.values()) {
      if (!finishing.has(s.id) && s.edges.some((e) => finishing.has(e.to))) {
        finishing.add(s.id);
        grew = true;
      }
    }
  }
  const reported = new Set<string>();
  for (const s of g.states.values()) {
    const stepId = s.stepId;
    if (stepId === undefined || s.kind === 'outcome' || reported.has(stepId)) continue;
    if (!live.has(s.id)) {
      out.push({ code: 'RB1305', stateId: s.id, stepId });
      reported.add(stepId);
    } else if (!finishing.has(s.id)) {
      out.push({ code: 'RB1304', stateId: s.id, stepId });
      reported.add(stepId);
    }
  }
  return out;
}

/** Verifies a compiled machine; violations become diagnostics at their step's file:line:col. */
export function verifyMachine(
  machine: AnyStateMachine,
  source: {
    file: string;
    locations: Readonly<Record<string, Location>>;
    /** the command registry's reason for each talosctl step, named in the message */
    reasons?: Readonly<Record<string, string>>;
  },
): Diagnostic[] {
  return verifyGraph(machineToGraph(machine)).map((v) => {
    const reason = source.reasons?.[v.stepId] ?? 'the command registry classes it so';
    const d = makeDiagnostic(v.code, { step: v.stepId, state: v.stateId, reason }, []);
    const at = source.locations[v.stepId] ?? { line: 1, col: 1 };
    return {
      file: source.file,
      line: at.line,
      col: at.col,
      code: d.code,
      severity: d.severity,
      message: d.message,
      hint: d.hint,
    };
  });
}
