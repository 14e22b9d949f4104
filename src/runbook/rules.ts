import { CHECKS, OBSERVATIONS, type ValueType } from '../checks/catalog.js';
import { classify, type Effect, isWeaker, SHAPES } from '../talos/commands.js';
import { OPAQUE } from '../talos/flag-grammar.js';
import { makeDiagnostic, type PendingDiagnostic } from './diagnostics.js';
import { END, flowEdges, indexSteps, type StepInfo } from './flow.js';
import { allSteps, isRef, type Literal, type Runbook, type Step, type ValueOrRef } from './model.js';
import { validateValue } from './params.js';
import { knownRefs, parseRef, type StaticScope, typeOfRef } from './refs.js';
import type { RunbookDoc } from './schema.js';

/**
 * Cross-field rules over a document that passed the schema: small named functions, each
 * returning its problems with a YAML path. The loader turns paths into file:line:col.
 */

export interface RuleContext {
  doc: RunbookDoc;
  runbook: Runbook;
  index: Map<string, StepInfo>;
  /** "file:line:col" of a YAML path, for messages that point at a second place */
  where: (path: ReadonlyArray<string | number>) => string;
}

export type Rule = (ctx: RuleContext) => PendingDiagnostic[];

type Path = ReadonlyArray<string | number>;
const show = (p: Path): string => p.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');
const KIND_KEY: Record<string, string> = {
  wait: 'wait',
  postcondition: 'postcondition',
  precondition: 'precondition',
  choice: 'choice',
};

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

const captureName = (s: Step): string | undefined =>
  s.kind === 'read' ? s.capture : s.kind === 'talosctl' ? s.capture : undefined;

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

interface Use {
  value: ValueOrRef;
  at: Path;
  expected: ValueType | 'argv';
  values?: readonly string[] | undefined;
}

function usesOf(step: Step): { uses: Use[]; problems: PendingDiagnostic[] } {
  const uses: Use[] = [];
  const problems: PendingDiagnostic[] = [];
  const checkArgs = (
    of: string,
    spec: { args: Record<string, { type: ValueType; required: boolean; values?: readonly string[] }> },
    args: Record<string, ValueOrRef>,
    at: Path,
  ): void => {
    for (const [arg, value] of Object.entries(args)) {
      const a = ownEntry(spec.args, arg);
      if (a === undefined) {
        const p = [...at, 'with', arg];
        problems.push(makeDiagnostic('RB1208', { path: show(p), arg, of, known: Object.keys(spec.args) }, p, true));
      } else uses.push({ value, at: [...at, 'with', arg], expected: a.type, values: a.values });
    }
    for (const [arg, a] of Object.entries(spec.args)) {
      if (a.required && !(arg in args)) problems.push(makeDiagnostic('RB1209', { path: show(at), arg, of }, at));
    }
  };
  const path = step.path;
  if (step.kind === 'read') {
    const spec = ownEntry(OBSERVATIONS, step.observe);
    const at = [...path, 'read'];
    if (spec === undefined) {
      const p = [...at, 'observe'];
      problems.push(
        makeDiagnostic('RB1207', { path: show(p), name: step.observe, known: Object.keys(OBSERVATIONS) }, p),
      );
    } else checkArgs(`observation "${step.observe}"`, spec, step.with, at);
  } else if (
    step.kind === 'precondition' ||
    step.kind === 'wait' ||
    step.kind === 'postcondition' ||
    step.kind === 'choice'
  ) {
    const spec = ownEntry(CHECKS, step.check);
    const at = [...path, KIND_KEY[step.kind] ?? step.kind];
    if (spec === undefined) {
      const p = [...at, 'check'];
      problems.push(makeDiagnostic('RB1206', { path: show(p), name: step.check, known: Object.keys(CHECKS) }, p));
    } else checkArgs(`check "${step.check}"`, spec, step.with, at);
  } else if (step.kind === 'talosctl') {
    if (step.done !== undefined) {
      const spec = ownEntry(CHECKS, step.done.check);
      const at = [...path, 'done'];
      if (spec === undefined) {
        const p = [...at, 'check'];
        problems.push(
          makeDiagnostic('RB1206', { path: show(p), name: step.done.check, known: Object.keys(CHECKS) }, p),
        );
      } else checkArgs(`check "${step.done.check}"`, spec, step.done.with, at);
    }
    step.argv.forEach((a, i) => {
      if (isRef(a)) uses.push({ value: a, at: [...path, 'talosctl', i], expected: 'argv' });
    });
    const { target } = step;
    if (target !== undefined) {
      const key = target.many ? 'nodes' : 'node';
      uses.push({ value: target.value, at: [...path, key], expected: key });
    }
  } else if (step.kind === 'foreach') {
    uses.push({ value: step.in, at: [...path, 'foreach', 'in'], expected: 'nodes' });
  } else if (step.kind === 'confirm' && step.token !== undefined) {
    uses.push({ value: step.token, at: [...path, 'confirm', 'token'], expected: 'argv' });
  }
  return { uses, problems };
}

const ARGV_TYPES: readonly ValueType[] = [
  'node',
  'memberId',
  'path',
  'duration',
  'percent',
  'number',
  'string',
  'enum',
];

function fits(got: ValueType, use: Use): boolean {
  if (use.expected === 'argv') return ARGV_TYPES.includes(got);
  const e = use.expected;
  if (got === e) return true;
  if (e === 'nodes' && got === 'node') return true;
  if ((e === 'number' && got === 'percent') || (e === 'percent' && got === 'number')) return true;
  return e === 'string' && got !== 'nodes' && got !== 'boolean';
}

function checkLiteral(value: Literal, use: Use): PendingDiagnostic | undefined {
  if (use.expected === 'argv') return undefined;
  const r = validateValue(use.expected, value, use.values);
  return r.ok
    ? undefined
    : makeDiagnostic('RB1210', { path: show(use.at), expected: use.expected, got: JSON.stringify(value) }, use.at);
}

const refsAndArgs: Rule = ({ runbook, index }) => {
  const out: PendingDiagnostic[] = [];
  const entry = runbook.steps[0]?.id;
  const definite = definiteCaptures(index, entry);
  const allCaptures: Record<string, Record<string, ValueType>> = {};
  for (const { step } of index.values()) {
    const c = captureName(step);
    const types = captureTypes(step);
    if (c !== undefined && types !== undefined) allCaptures[c] = types;
  }
  for (const [id, info] of index) {
    const { step, loops } = info;
    const vars: Record<string, ValueType> = Object.fromEntries(
      loops.map((l) => [l.kind === 'foreach' ? l.as : '', 'node']),
    );
    const scope: StaticScope = { params: runbook.params, captures: allCaptures, vars };
    const { uses, problems } = usesOf(step);
    out.push(...problems);
    for (const use of uses) {
      if (!isRef(use.value)) {
        const p = checkLiteral(use.value, use);
        if (p !== undefined) out.push(p);
        continue;
      }
      const ref = use.value.ref;
      const got = typeOfRef(ref, scope);
      const at = [...use.at, 'ref'];
      if (got === undefined) {
        out.push(makeDiagnostic('RB1211', { path: show(use.at), ref, known: knownRefs(scope) }, at));
        continue;
      }
      const target = parseRef(ref);
      if (target.kind === 'capture' && !(definite.get(id)?.has(target.name) ?? true)) {
        out.push(makeDiagnostic('RB1212', { path: show(use.at), ref, capture: target.name }, at));
      }
      if (!fits(got, use)) {
        const expected = use.expected === 'argv' ? 'a single value for argv' : use.expected;
        out.push(makeDiagnostic('RB1213', { path: show(use.at), ref, expected, got }, at));
      }
    }
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
 * A catalog entry by a name taken from the runbook: own entries only, so `check: constructor` or
 * `with: { toString: x }` name nothing instead of reaching Object.prototype.
 */
function ownEntry<T extends object>(record: T, key: string): T[keyof T] | undefined {
  return Object.hasOwn(record, key) ? record[key as keyof T] : undefined;
}

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
