import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Document, parseDocument, stringify } from 'yaml';
import { lintRunbook } from '../../src/compile/lint.js';
import { DIAGNOSTICS } from '../../src/runbook/diagnostic-codes.js';
import { type Rng, rng } from './rng.js';
import { mutateText } from './text-mutations.js';

/**
 * Hostile runbooks through parseRunbook + compile + verify (lintRunbook): mutations of the real
 * runbooks (text edits, and edits of the parsed YAML tree) and runbooks generated from fast-check
 * arbitraries. Every case must end as a valid runbook or as errors that each name a line and column
 * with a known code; anything thrown is a bug.
 */

export interface RunbookFuzzFigures {
  cases: number;
  bySource: { textMutation: number; treeMutation: number; generated: number };
  valid: number;
  locatedErrors: number;
  /** invalid results with an error lacking line/col, with an unknown code, or a broken message */
  unlocated: number;
  /** process warnings emitted while linting (they reach the operator's stderr): must be 0 */
  processWarnings: number;
  uncaught: number;
  slowestMs: number;
  casesPerSecond: number;
  samples: string[];
}

const ROOT = new URL('../../', import.meta.url).pathname;
const KNOWN_CODES = new Set(Object.keys(DIAGNOSTICS));

export function seedRunbooks(): Array<{ file: string; text: string }> {
  const dirs = ['runbooks', 'fixtures/runbooks/valid'];
  return dirs.flatMap((d) =>
    readdirSync(join(ROOT, d))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => ({ file: `${d}/${f}`, text: readFileSync(join(ROOT, d, f), 'utf8') })),
  );
}

const JUNK = [
  '',
  '-',
  ': ',
  '[',
  '{',
  '*a',
  '&a ',
  '<<: *a',
  '!!binary ',
  '!!js/function ',
  '? ',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '"',
  "'",
  '#',
  '~',
  'true',
  '0x1F',
  '1e309',
  '-.inf',
  '.nan',
  'etcd leave',
  '{ ref: params.nodes }',
  '{ ref: nope.x }',
  '{ ref: __proto__.x }',
  '{ goto: done }',
  '$(rm -rf /)',
  '`id`',
  '--nodes',
  '-n 10.0.0.1',
  '../../etc/passwd',
  '__proto__',
  'constructor',
];

const VALUES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_VALUE,
  '',
  'x',
  '1h',
  '-1s',
  'etcd',
  'etcd leave',
  '--nodes',
  '-n',
  '10.0.0.1',
  '../../x',
  'a\u0000b',
  'line\nbreak',
  '$(reboot)',
  [],
  {},
  ['etcd', 'leave'],
  ['etcd', 'remove-member', { ref: 'params.nodes' }],
  { ref: 'params.nodes' },
  { ref: 'params.' },
  { ref: '' },
  { ref: 'constructor.prototype' },
  { goto: 'done' },
  { check: 'no-alarms' },
  { __proto__: { polluted: true } },
  { constructor: 'x' },
  'x'.repeat(5000),
];

function treePaths(node: unknown, path: Array<string | number>, out: Array<Array<string | number>>): void {
  out.push(path);
  if (Array.isArray(node)) for (const [i, c] of node.entries()) treePaths(c, [...path, i], out);
  else if (node !== null && typeof node === 'object')
    for (const [k, c] of Object.entries(node)) treePaths(c, [...path, k], out);
}

function valueAt(root: unknown, path: ReadonlyArray<string | number>): unknown {
  let v = root;
  for (const k of path)
    v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

/** Edits of the parsed tree: set, delete, copy a subtree elsewhere, or nest it deeper. */
function mutateTree(text: string, r: Rng): string {
  const doc = parseDocument(text, { logLevel: 'error' });
  const js: unknown = doc.toJS();
  for (let k = 1 + r.int(3); k > 0; k--) {
    const paths: Array<Array<string | number>> = [];
    const now: unknown = doc.toJS();
    treePaths(now, [], paths);
    const path = r.pick(paths.slice(1).length > 0 ? paths.slice(1) : [['x']]);
    const op = r.int(4);
    try {
      if (op === 0) doc.deleteIn(path);
      else if (op === 1) doc.setIn(path, doc.createNode(r.pick(VALUES)));
      else if (op === 2) doc.setIn(path, doc.createNode(structuredClone(valueAt(now, r.pick(paths))) ?? null));
      else {
        let v: unknown = structuredClone(valueAt(now, path));
        for (let d = r.int(40); d > 0; d--) v = r.chance(0.5) ? [v] : { steps: [v] };
        doc.setIn(path, doc.createNode(v));
      }
    } catch {
      // the yaml library refuses some edits (into a scalar): keep the document as it is
    }
  }
  return js === null ? text : doc.toString();
}

const STEP_KINDS = [
  'talosctl',
  'confirm',
  'wait',
  'precondition',
  'postcondition',
  'read',
  'manual',
  'choice',
  'foreach',
];
const CHECKS = ['no-alarms', 'alarm-active', 'member-healthy', 'leader-elected', 'quorum-safe-to-remove', 'nope'];
const SUBCOMMANDS = [
  ['etcd', 'status'],
  ['etcd', 'leave'],
  ['etcd', 'defrag'],
  ['reset'],
  ['bootstrap'],
  ['frobnicate'],
];
const ids = fc.constantFrom('a', 'b', 'c', 'd', 'done', 'defrag', 'a');
const ref = fc.constantFrom('params.nodes', 'node', 'a.order', 'params.x', 'b.member');
const valueOrRef = fc.oneof(
  fc.constantFrom(...VALUES),
  ref.map((r) => ({ ref: r })),
);

function stepArb(depth: number): fc.Arbitrary<Record<string, unknown>> {
  const kind = fc.constantFrom(...STEP_KINDS);
  return fc
    .record({
      id: ids,
      kind,
      check: fc.constantFrom(...CHECKS),
      argv: fc.constantFrom(...SUBCOMMANDS),
      node: valueOrRef,
      extra: fc.dictionary(fc.constantFrom('timeout', 'onFailure', 'retry', 'next', 'title', 'capture'), valueOrRef, {
        maxKeys: 2,
      }),
      inner: depth > 0 ? fc.array(stepArb(depth - 1), { maxLength: 3 }) : fc.constant([]),
    })
    .map(({ id, kind, check, argv, node, extra, inner }) => {
      const body: Record<string, unknown> =
        kind === 'talosctl'
          ? { talosctl: argv, node }
          : kind === 'confirm'
            ? { confirm: { prompt: 'go' } }
            : kind === 'manual'
              ? { manual: { instructions: 'do it' } }
              : kind === 'read'
                ? { read: { observe: 'leader', with: { nodes: { ref: 'params.nodes' } } } }
                : kind === 'choice'
                  ? { choice: { check, ifFail: 'done' } }
                  : kind === 'foreach'
                    ? { foreach: { in: { ref: 'params.nodes' }, as: 'node' }, steps: inner }
                    : { [kind]: { check, with: { nodes: { ref: 'params.nodes' }, node }, timeout: '1m' } };
      return { id, ...body, ...extra };
    });
}

const runbookArb = fc.oneof(
  fc
    .record({
      name: fc.constantFrom('gen', 'Bad Name', '', 'x'.repeat(300)),
      params: fc.dictionary(
        fc.constantFrom('nodes', 'node', 'x', 'member'),
        fc.record({
          type: fc.constantFrom('nodes', 'node', 'memberId', 'path', 'duration', 'bogus'),
          description: fc.constant('d'),
        }),
        { maxKeys: 3 },
      ),
      steps: fc.array(stepArb(2), { maxLength: 8 }),
    })
    .map(({ name, params, steps }) =>
      stringify({ apiVersion: 'talos-dr/v1', kind: 'Runbook', metadata: { name, title: 'T' }, params, steps }),
    ),
  fc.anything({ maxDepth: 4 }).map((v) => {
    try {
      return new Document(v).toString();
    } catch {
      return JSON.stringify(v) ?? '';
    }
  }),
  fc.string({ maxLength: 200, unit: 'binary' }),
);

function check(text: string, label: string, f: RunbookFuzzFigures): void {
  const t0 = performance.now();
  try {
    const r = lintRunbook(text, 'fuzz.yaml');
    if (r.ok) f.valid++;
    else {
      const bad = r.errors.find(
        (e) =>
          !(e.line >= 1 && e.col >= 1) ||
          !KNOWN_CODES.has(e.code) ||
          /undefined|\[object Object\]|NaN/.test(e.message) ||
          r.errors.length === 0,
      );
      if (bad === undefined && r.errors.length > 0) f.locatedErrors++;
      else {
        f.unlocated++;
        if (f.samples.length < 10) f.samples.push(`unlocated (${label}): ${JSON.stringify(bad ?? r.errors)}`);
      }
    }
  } catch (e) {
    f.uncaught++;
    if (f.samples.length < 10)
      f.samples.push(
        `uncaught (${label}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n---\n${text.slice(0, 2000)}`,
      );
  }
  f.slowestMs = Math.max(f.slowestMs, performance.now() - t0);
}

/** Runs `count` cases: 45% text mutations, 35% tree mutations, 20% generated; replayable by seed. */
export function fuzzRunbooks(count: number, seed = 1): RunbookFuzzFigures {
  const seeds = seedRunbooks();
  const f: RunbookFuzzFigures = {
    cases: 0,
    bySource: { textMutation: 0, treeMutation: 0, generated: 0 },
    valid: 0,
    locatedErrors: 0,
    unlocated: 0,
    processWarnings: 0,
    uncaught: 0,
    slowestMs: 0,
    casesPerSecond: 0,
    samples: [],
  };
  const nGenerated = Math.floor(count * 0.2);
  const nTree = Math.floor(count * 0.35);
  const nText = count - nGenerated - nTree;
  const onWarning = (w: Error): void => {
    f.processWarnings++;
    if (f.samples.length < 10) f.samples.push(`process warning: ${w.message}`);
  };
  process.on('warning', onWarning);
  const started = performance.now();
  const r = rng(seed);
  for (let i = 0; i < nText; i++) {
    const s = r.pick(seeds);
    const m = mutateText(s.text, r, JUNK);
    check(m.text, `seed ${seed} text #${i} of ${s.file}: ${m.ops.join(',')}`, f);
  }
  for (let i = 0; i < nTree; i++) {
    const s = r.pick(seeds);
    check(mutateTree(s.text, r), `seed ${seed} tree #${i} of ${s.file}`, f);
  }
  for (const [i, text] of fc.sample(runbookArb, { numRuns: nGenerated, seed }).entries()) {
    check(text, `seed ${seed} generated #${i}`, f);
  }
  process.off('warning', onWarning);
  f.cases = count;
  f.bySource = { textMutation: nText, treeMutation: nTree, generated: nGenerated };
  f.casesPerSecond = Math.round(count / ((performance.now() - started) / 1000));
  f.slowestMs = Math.round(f.slowestMs);
  return f;
}
