import { CHECKS, OBSERVATIONS, type ValueType } from '../checks/catalog.js';
import { captureName, captureTypes, definiteCaptures } from './captures.js';
import { ownEntry } from './catalog-entry.js';
import { makeDiagnostic, type PendingDiagnostic } from './diagnostics.js';
import { isRef, type Literal, type Step, type ValueOrRef } from './model.js';
import { validateValue } from './params.js';
import { knownRefs, parseRef, type StaticScope, typeOfRef } from './refs.js';
import { type Path, type Rule, showPath as show } from './rule.js';

/**
 * The ref-typing rule: every value a step uses — a check's or observation's `with:` argument,
 * an argv ref, a target, a loop's list, a confirm's token — names something in scope, set on
 * every path into the step, of a type that fits where it is used; and literals fit their type.
 */

const KIND_KEY: Record<string, string> = {
  wait: 'wait',
  postcondition: 'postcondition',
  precondition: 'precondition',
  choice: 'choice',
};

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

export const refsAndArgs: Rule = ({ runbook, index }) => {
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
