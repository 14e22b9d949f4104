import { classify, type Effect, isWeaker, SHAPES } from '../talos/commands.js';
import { OPAQUE } from '../talos/flag-grammar.js';
import { captureName, captureTypes } from './captures.js';
import { makeDiagnostic, type PendingDiagnostic } from './diagnostics.js';
import { flowEdges, indexSteps, type StepInfo } from './flow.js';
import { allSteps, isRef, type Runbook } from './model.js';
import { validateValue } from './params.js';
import { refsAndArgs } from './ref-typing-rule.js';
import { parseRef } from './refs.js';
import { type Path, type Rule, type RuleContext, showPath as show } from './rule.js';
import type { RunbookDoc } from './schema.js';

/**
 * Cross-field rules over a document that passed the schema: small named functions, each
 * returning its problems with a YAML path. The loader turns paths into file:line:col. The
 * ref-typing rule has its own module (ref-typing-rule.ts).
 */

const duplicateIds: Rule = ({ runbook, where }) => {
  const seen = new Map<string, Path>();
  const out: PendingDiagnostic[] = [];
  for (const s of allSteps(runbook.steps)) {
    const first = seen.get(s.id);
    if (first === undefined) seen.set(s.id, s.path);
    else out.push(makeDiagnostic('RB1204', { id: s.id, first: where([...first, 'id']) }, [...s.path, 'id']));
  }
  return out;
};

const gotoTargets: Rule = ({ index }) => {
  const out: PendingDiagnostic[] = [];
  for (const { step, visible } of index.values()) {
    const targets: Array<[string, Path]> = [];
    if ('onFailure' in step && step.onFailure.kind === 'goto')
      targets.push([step.onFailure.target, [...step.path, 'onFailure', 'goto']]);
    if (step.kind === 'choice') {
      if (step.ifPass !== undefined) targets.push([step.ifPass, [...step.path, 'choice', 'ifPass']]);
      if (step.ifFail !== undefined) targets.push([step.ifFail, [...step.path, 'choice', 'ifFail']]);
    }
    for (const [target, at] of targets) {
      if (!visible.includes(target)) out.push(makeDiagnostic('RB1205', { path: show(at), target, known: visible }, at));
    }
  }
  return out;
};

/** Shapes that declare outputs, for RB1214's hint. */
const CAPTURABLE = SHAPES.filter((x) => x.outputs !== undefined).map((x) => x.path.join(' '));

const talosctlShape: Rule = ({ doc, index }) => {
  const out: PendingDiagnostic[] = [];
  for (const { step } of index.values()) {
    if (step.kind !== 'talosctl') continue;
    const raw = docAt(doc, step.path) as {
      node?: unknown;
      nodes?: unknown;
      effect?: Effect | 'mutating';
    };
    if ((raw.node === undefined) === (raw.nodes === undefined)) {
      out.push(makeDiagnostic('RB1218', { path: show(step.path), step: step.id }, step.path));
    }
    // the registry reads the argv with talosctl's flag grammar: a connection flag is refused
    // however it is spelled (-n10.0.0.3, -fn10.0.0.3, --nodes=…, a look-alike dash)
    const c = classify(step.argv.map((a) => (isRef(a) ? OPAQUE : a)));
    if (!c.ok) {
      const at = [...step.path, 'talosctl', c.refusal.index];
      out.push(makeDiagnostic('RB1217', { path: show(at), flag: c.refusal.flag, reason: c.refusal.reason }, at));
      continue; // a refused argv never runs: what else would apply to it is beside the point
    }
    // a change is gated, or quorum-checked, for one target: several nodes in one step would be
    // approved and checked once for all of them (one "yes" for several members)
    if ((step.quorum !== undefined || step.gate) && raw.nodes !== undefined) {
      out.push(
        makeDiagnostic('RB1222', { path: show(step.path), step: step.id, reason: step.command.reason }, [
          ...step.path,
          'nodes',
        ]),
      );
    }
    if (raw.effect !== undefined && isWeaker(raw.effect === 'mutating' ? 'disruptive' : raw.effect, step.effect)) {
      const at = [...step.path, 'effect'];
      out.push(
        makeDiagnostic(
          'RB1215',
          { path: show(at), declared: raw.effect, actual: step.effect, subcommand: step.subcommand },
          at,
        ),
      );
    }
    if (step.capture !== undefined && captureTypes(step) === undefined) {
      const at = [...step.path, 'capture'];
      out.push(makeDiagnostic('RB1214', { path: show(at), subcommand: step.subcommand, known: CAPTURABLE }, at));
    }
    if (step.gate) {
      const what = step.effect === 'irreversible' ? 'is irreversible' : 'needs a typed approval';
      const reason =
        step.retry.attempts > 1
          ? `${what} and cannot be retried automatically`
          : step.onFailure.kind === 'continue'
            ? `${what}: its failure cannot be ignored with onFailure: continue`
            : undefined;
      if (reason !== undefined)
        out.push(makeDiagnostic('RB1219', { path: show(step.path), step: step.id, reason }, step.path));
      if (step.done === undefined)
        out.push(makeDiagnostic('RB1221', { path: show(step.path), step: step.id }, step.path));
    }
  }
  return out;
};

const failurePolicies: Rule = ({ index }) => {
  const out: PendingDiagnostic[] = [];
  for (const { step } of index.values()) {
    if (step.kind === 'precondition' && step.onFailure.kind === 'continue') {
      const at = [...step.path, 'onFailure'];
      out.push(
        makeDiagnostic(
          'RB1219',
          { path: show(at), step: step.id, reason: 'is a precondition: onFailure: continue would skip its guard' },
          at,
        ),
      );
    }
  }
  return out;
};

const names: Rule = ({ index }) => {
  const out: PendingDiagnostic[] = [];
  const used = new Set<string>(['params']);
  for (const { step } of index.values()) {
    const name = captureName(step) ?? (step.kind === 'foreach' ? step.as : undefined);
    if (name === undefined) continue;
    const at = [...step.path, step.kind === 'foreach' ? 'foreach' : 'capture'];
    if (used.has(name)) out.push(makeDiagnostic('RB1216', { path: show(at), name }, at));
    used.add(name);
  }
  return out;
};

const paramDefaults: Rule = ({ runbook }) => {
  const out: PendingDiagnostic[] = [];
  for (const [name, p] of Object.entries(runbook.params)) {
    if (p.type === 'enum' && p.values === undefined) {
      const at = ['params', name];
      out.push(
        makeDiagnostic('RB1103', { path: show([...at, 'values']), expected: 'the allowed values of an enum' }, at),
      );
    }
    if (p.default === undefined) continue;
    const r = validateValue(p.type, p.default, p.values);
    const at = ['params', name, 'default'];
    if (!r.ok)
      out.push(makeDiagnostic('RB1210', { path: show(at), expected: p.type, got: JSON.stringify(p.default) }, at));
  }
  return out;
};

const unknownSubcommands: Rule = ({ index }) => {
  const out: PendingDiagnostic[] = [];
  for (const { step } of index.values()) {
    if (step.kind !== 'talosctl') continue;
    const literal = step.argv.filter((a): a is string => typeof a === 'string');
    // refused argv is reported by RB1217; here: a shape, action, flag or value the registry does not know
    const c = classify(step.argv.map((a) => (isRef(a) ? OPAQUE : a)));
    if (c.ok && !c.value.known) {
      const at = [...step.path, 'talosctl'];
      out.push(
        makeDiagnostic(
          'RB1220',
          { path: show(at), subcommand: step.subcommand || literal.join(' '), reason: c.value.reason },
          at,
        ),
      );
    }
  }
  return out;
};

/**
 * What a confirm approves must be on its screen: the refs of a gated step it guards (argv and
 * target) may not be captured between the confirm and the step, or the approval would cover a
 * target chosen after it (a member picked from raft indexes the gate never showed).
 */
const targetsShownAtConfirm: Rule = ({ index }) => {
  const out: PendingDiagnostic[] = [];
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const queue = flowEdges(index.get(from) as StepInfo).map((e) => e.to);
    while (queue.length > 0) {
      const id = queue.shift() as string;
      const i = index.get(id);
      if (i === undefined || seen.has(id)) continue;
      seen.add(id);
      if (i.step.kind === 'confirm') continue;
      queue.push(...flowEdges(i).map((e) => e.to));
    }
    return seen;
  };
  const capturedBy = new Map<string, string>();
  for (const { step } of index.values()) {
    const name = step.kind === 'read' || step.kind === 'talosctl' ? step.capture : undefined;
    if (name !== undefined) capturedBy.set(name, step.id);
  }
  for (const { step: confirm } of index.values()) {
    if (confirm.kind !== 'confirm') continue;
    const after = reach(confirm.id);
    for (const id of after) {
      const s = index.get(id)?.step;
      if (s?.kind !== 'talosctl' || !s.gate) continue;
      const refs = [...s.argv, ...(s.target === undefined ? [] : [s.target.value])].filter(isRef);
      for (const r of refs) {
        const t = parseRef(r.ref);
        const by = t.kind === 'capture' ? capturedBy.get(t.name) : undefined;
        if (by === undefined || by === s.id || !after.has(by) || !reach(by).has(s.id)) continue;
        out.push(
          makeDiagnostic('RB1223', { path: show(s.path), step: s.id, ref: r.ref, confirm: confirm.id, capture: by }, [
            ...s.path,
            'talosctl',
          ]),
        );
      }
    }
  }
  return out;
};

/**
 * A choice on a flag (a boolean the runbook already has) is answered in the runbook's own words:
 * the value alone tells a tired responder nothing, and the log keeps the sentence for the auditor.
 * A literal `value: true` is an unconditional jump with nothing to answer.
 */
const flagChoiceAnswers: Rule = ({ index }) => {
  const out: PendingDiagnostic[] = [];
  for (const { step } of index.values()) {
    if (step.kind !== 'choice' || step.check !== 'flag-set' || !isRef(step.with.value)) continue;
    const missing = (['yes', 'no'] as const).filter((k) => typeof step.with[k] !== 'string').map((k) => `${k}:`);
    if (missing.length === 0) continue;
    const at = [...step.path, 'choice', 'with'];
    out.push(makeDiagnostic('RB1224', { path: show(at), step: step.id, missing: missing.join(' and ') }, at));
  }
  return out;
};

/** The rules, in the order their problems are reported. */
export const RULES: readonly Rule[] = [
  duplicateIds,
  paramDefaults,
  gotoTargets,
  talosctlShape,
  failurePolicies,
  names,
  refsAndArgs,
  unknownSubcommands,
  targetsShownAtConfirm,
  flagChoiceAnswers,
];

/** Runs every rule over a schema-valid document. */
export function runRules(doc: RunbookDoc, runbook: Runbook, where: RuleContext['where']): PendingDiagnostic[] {
  const ctx: RuleContext = { doc, runbook, index: indexSteps(runbook), where };
  return RULES.flatMap((r) => r(ctx));
}

function docAt(doc: unknown, path: Path): unknown {
  let cur: unknown = doc;
  for (const p of path)
    cur = cur === null || typeof cur !== 'object' ? undefined : (cur as Record<string | number, unknown>)[p];
  return cur ?? {};
}
