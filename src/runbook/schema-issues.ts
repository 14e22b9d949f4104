import { z } from 'zod';
import { makeDiagnostic, type PendingDiagnostic } from './diagnostics.js';
import { DURATION_PATTERN, ID_PATTERN, NAME_PATTERN, REF_PATTERN, RunbookSchema, STEP_KINDS } from './schema.js';

/**
 * Turns zod issues into coded diagnostics with YAML paths: picks the union branch a step's kind
 * key selects, names unknown keys with the keys known there, and words each problem once.
 */

type Path = ReadonlyArray<string | number>;
type Issue = z.core.$ZodIssue;

const show = (p: Path): string =>
  p.length === 0 ? '(root)' : p.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');

export function valueAt(root: unknown, path: Path): unknown {
  let cur: unknown = root;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[p];
  }
  return cur;
}

/** The step kind keys present in a step mapping. */
export function kindsOf(step: unknown): string[] {
  if (step === null || typeof step !== 'object' || Array.isArray(step)) return [];
  return STEP_KINDS.filter((k) => k in step);
}

const isStepPath = (p: Path): boolean =>
  p.length >= 2 && p[p.length - 2] === 'steps' && typeof p[p.length - 1] === 'number';

/** How a YAML value reads in a message: `a string ("x")`, `a list`, `nothing`. */
export function describeValue(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `a string (${JSON.stringify(v)})`;
  return `a ${typeof v} (${String(v)})`;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

const FORMATS: Array<[RegExp, string]> = [
  [ID_PATTERN, 'id'],
  [NAME_PATTERN, 'name'],
  [REF_PATTERN, 'reference'],
  [DURATION_PATTERN, 'duration'],
];

function unwrap(s: z.ZodType): z.ZodType {
  let cur = s;
  while (cur instanceof z.ZodOptional) cur = cur.unwrap() as z.ZodType;
  return cur;
}

/** The keys a mapping at `path` may have, by walking the schema (steps pick their kind). */
function knownKeysAt(root: unknown, path: Path): string[] {
  let schema: z.ZodType = RunbookSchema;
  for (let i = 0; i <= path.length; i++) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodUnion) {
      const here = path.slice(0, i);
      const kind = kindsOf(valueAt(root, here))[0];
      const options = schema.options as readonly z.ZodType[];
      const pick = kind !== undefined && isStepPath(here) ? options[STEP_KINDS.indexOf(kind as never)] : undefined;
      schema = unwrap(pick ?? options.find((o) => unwrap(o) instanceof z.ZodObject) ?? schema);
    }
    if (i === path.length) break;
    const p = path[i];
    if (schema instanceof z.ZodObject && typeof p === 'string') schema = schema.shape[p] as z.ZodType;
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return [];
    if (schema === undefined) return [];
  }
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

const rootMismatch = (branch: readonly Issue[]): boolean =>
  branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));

/** Every zod issue of one parse as pending diagnostics (steps without exactly one kind are skipped: the caller reports them). */
export function issuesToDiagnostics(issues: readonly Issue[], root: unknown, prefix: Path = []): PendingDiagnostic[] {
  const out: PendingDiagnostic[] = [];
  for (const issue of issues) {
    const path: Path = [...prefix, ...(issue.path as Array<string | number>)];
    const raw = valueAt(root, path);
    switch (issue.code) {
      case 'invalid_union': {
        if (isStepPath(path)) {
          const kinds = kindsOf(raw);
          const idx = STEP_KINDS.indexOf(kinds[0] as never);
          const branch = issue.errors[idx];
          if (kinds.length === 1 && branch !== undefined) out.push(...issuesToDiagnostics(branch, root, path));
          else if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
            out.push(
              makeDiagnostic(
                'RB1101',
                { path: show(path), expected: 'a step (a mapping)', got: describeValue(raw) },
                path,
              ),
            );
          }
          break;
        }
        const fitting = issue.errors.filter((b) => !rootMismatch(b));
        const [only] = fitting;
        if (fitting.length === 1 && only !== undefined) {
          out.push(...issuesToDiagnostics(only, root, path));
          break;
        }
        const expected = new Set<string>();
        for (const b of issue.errors) {
          for (const i of b) {
            if (i.path.length !== 0) continue;
            if (i.code === 'invalid_type') expected.add(EXPECTED[i.expected] ?? i.expected);
            if (i.code === 'invalid_value') for (const v of i.values) expected.add(JSON.stringify(v));
          }
        }
        const text =
          path[path.length - 1] === 'onFailure'
            ? 'abort, continue or { goto: <step id> }'
            : [...expected].map((e) => (e === 'a mapping' ? '{ ref: … }' : e)).join(' or ');
        out.push(makeDiagnostic('RB1101', { path: show(path), expected: text, got: describeValue(raw) }, path));
        break;
      }
      case 'invalid_type': {
        if (raw === undefined) {
          out.push(
            makeDiagnostic(
              'RB1103',
              { path: show(path), expected: EXPECTED[issue.expected] ?? issue.expected },
              path.slice(0, -1),
            ),
          );
        } else if (path[path.length - 1] === 'talosctl' && typeof raw === 'string') {
          const argv = `[${raw.trim().split(/\s+/).join(', ')}]`;
          out.push(makeDiagnostic('RB1203', { path: show(path), argv }, path));
        } else {
          out.push(
            makeDiagnostic(
              'RB1101',
              { path: show(path), expected: EXPECTED[issue.expected] ?? issue.expected, got: describeValue(raw) },
              path,
            ),
          );
        }
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          if (isStepPath(path) && (STEP_KINDS as readonly string[]).includes(key)) continue;
          const at = [...path, key];
          out.push(makeDiagnostic('RB1102', { path: show(path), key, known: knownKeysAt(root, path) }, at, true));
        }
        break;
      case 'invalid_value':
        if (raw === undefined) {
          const expected = `one of ${issue.values.map((v) => String(v)).join(', ')}`;
          out.push(makeDiagnostic('RB1103', { path: show(path), expected }, path.slice(0, -1)));
          break;
        }
        out.push(
          makeDiagnostic(
            'RB1104',
            { path: show(path), got: JSON.stringify(raw), allowed: issue.values.map((v) => String(v)) },
            path,
          ),
        );
        break;
      case 'invalid_format': {
        const pattern = 'pattern' in issue ? String(issue.pattern) : '';
        const format = FORMATS.find(([re]) => String(re) === pattern)?.[1] ?? issue.format;
        out.push(makeDiagnostic('RB1106', { path: show(path), got: JSON.stringify(raw), format }, path));
        break;
      }
      case 'invalid_key': {
        const key = String(path[path.length - 1]);
        out.push(makeDiagnostic('RB1106', { path: show(path), got: JSON.stringify(key), format: 'name' }, path, true));
        break;
      }
      case 'too_small':
      case 'too_big': {
        const word = issue.code === 'too_small' ? 'at least' : 'at most';
        const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
        const detail =
          issue.origin === 'array'
            ? `needs ${word} ${bound} item(s)`
            : issue.origin === 'string'
              ? issue.code === 'too_small'
                ? 'must not be empty'
                : `must be ${word} ${bound} characters`
              : `${JSON.stringify(raw)} must be ${word} ${bound}`;
        out.push(makeDiagnostic('RB1105', { path: show(path), detail }, path));
        break;
      }
      default:
        out.push(makeDiagnostic('RB1105', { path: show(path), detail: issue.message }, path));
    }
  }
  return out;
}
