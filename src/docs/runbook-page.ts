import { CHECKS } from '../checks/catalog.js';
import { describeRunbook, type RunbookDescription, type StepDescription } from '../compile/describe.js';
import { toMermaid } from '../compile/graph.js';
import { lintRunbook } from '../compile/lint.js';
import { guardedSteps, indexSteps } from '../runbook/flow.js';
import { allSteps, type DoneCheck, isRef, type Step, type ValueOrRef } from '../runbook/model.js';

/**
 * The docs page of a built-in runbook, generated from its YAML (through the compiler's describe
 * and graph functions) plus the written notes kept beside it (runbooks/<name>.notes.md). Pure:
 * `npm run gen:docs` writes the pages, and a unit test fails when one is stale.
 */

/** Sections every notes file must have. */
export const REQUIRED_NOTE_SECTIONS = ['## What can go wrong', '## How to roll back'] as const;

export type PageResult = { ok: true; page: string } | { ok: false; problems: string[] };

const cell = (text: string): string => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
const value = (v: ValueOrRef): string =>
  isRef(v) ? `\`{${v.ref}}\`` : Array.isArray(v) ? `\`${v.join(',')}\`` : `\`${String(v)}\``;
const args = (w: Record<string, ValueOrRef>): string =>
  Object.entries(w)
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(', ');
const seconds = (ms: number): string =>
  ms % 60_000 === 0 ? `${ms / 60_000}m` : ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;

/** Problems of a notes file: missing required sections. */
export function notesProblems(notes: string | undefined, name: string): string[] {
  if (notes === undefined)
    return [`runbooks/${name}.notes.md is missing: write what can go wrong and how to roll back`];
  return REQUIRED_NOTE_SECTIONS.filter((s) => !notes.split('\n').some((l) => l.trim() === s)).map(
    (s) => `runbooks/${name}.notes.md has no "${s}" section`,
  );
}

function stepRows(steps: readonly StepDescription[], depth: number, out: string[]): void {
  for (const s of steps) {
    const id = `${'↳ '.repeat(depth)}\`${s.id}\``;
    const effect = s.irreversible ? '⚠ **irreversible**' : (s.effect ?? '—');
    const what = s.command ? `${cell(s.title)}: \`${s.command}\`` : cell(s.title);
    out.push(`| ${id} | ${s.kind} | ${effect} | ${what} |`);
    if (s.steps) stepRows(s.steps, depth + 1, out);
  }
}

function gateLines(steps: readonly Step[], index: ReturnType<typeof indexSteps>): string[] {
  const out: string[] = [];
  for (const s of steps) {
    if (s.kind === 'confirm') {
      const guards = guardedSteps(s.id, index).map((g) => `\`${g.id}\``);
      const token = s.token === undefined ? 'the target of the guarded step' : value(s.token);
      const guarded = guards.length > 0 ? ` Guards: ${guards.join(', ')}.` : '';
      out.push(`- **\`${s.id}\`** (confirm; type ${token}): ${cell(s.prompt)}${guarded}`);
    } else if (s.kind === 'manual') {
      out.push(`- **\`${s.id}\`** (manual; the operator acts, then confirms): ${cell(s.instructions)}`);
    }
  }
  return out;
}

function checkRows(steps: readonly Step[]): string[] {
  const out: string[] = [];
  for (const s of steps) {
    if (s.kind === 'talosctl' && s.done !== undefined) out.push(doneRow(s.id, s.done));
    if (s.kind !== 'precondition' && s.kind !== 'wait' && s.kind !== 'postcondition' && s.kind !== 'choice') continue;
    const spec = CHECKS[s.check as keyof typeof CHECKS] as { description: string } | undefined;
    const bound =
      (s.kind === 'wait' || s.kind === 'postcondition') && s.poll !== undefined
        ? `polls every ${seconds(s.poll.intervalMs)} for up to ${seconds(s.poll.timeoutMs)}`
        : 'once';
    const branch =
      s.kind === 'choice'
        ? `; pass → \`${s.ifPass ?? 'next'}\`, fail → \`${s.ifFail ?? 'next'}\``
        : s.onFailure.kind === 'goto'
          ? `; on failure → \`${s.onFailure.target}\``
          : '';
    out.push(
      `| \`${s.id}\` | ${s.kind} | \`${s.check}\` ${args(s.with)} | ${cell(spec?.description ?? '')} | ${bound}${branch} |`,
    );
  }
  return out;
}

/** A talosctl step's `done:` check: asked only on resume, when a crash left the outcome unknown. */
function doneRow(id: string, d: DoneCheck): string {
  const spec = CHECKS[d.check as keyof typeof CHECKS] as { description: string } | undefined;
  const bound =
    d.poll === undefined ? 'once' : `polls every ${seconds(d.poll.intervalMs)} for up to ${seconds(d.poll.timeoutMs)}`;
  const otherwise = d.otherwise === 'fail' ? 'not done → counted as failed' : 'not done → fresh approval to run again';
  return `| \`${id}\` | done (resume after a crash) | \`${d.check}\` ${args(d.with)} | ${cell(spec?.description ?? '')} | ${bound}; ${otherwise} |`;
}

function paramRows(d: RunbookDescription): string[] {
  return d.params.map(
    (p) =>
      `| \`${p.name}\` | ${p.type} | ${p.required ? 'required' : `\`${JSON.stringify(p.default)}\``} | ${cell(p.description)} |`,
  );
}

/** Renders the page of one runbook (its YAML text and notes), or says why it cannot. */
export function renderRunbookPage(text: string, file: string, notes: string | undefined): PageResult {
  const lint = lintRunbook(text, file);
  if (!lint.ok) return { ok: false, problems: lint.errors.map((e) => `${e.file}:${e.line}:${e.col} ${e.message}`) };
  const d = describeRunbook(lint.runbook);
  const problems = notesProblems(notes, d.name);
  if (problems.length > 0) return { ok: false, problems };
  const steps = allSteps(lint.runbook.steps);
  const index = indexSteps(lint.runbook);
  const lines = [
    `<!-- GENERATED by \`npm run gen:docs\` from runbooks/${d.name}.yaml and runbooks/${d.name}.notes.md: do not edit -->`,
    '',
    `# ${d.title}`,
    '',
    `Runbook \`${d.name}\`: \`talos-dr run ${d.name} --param nodes=<cp1>,<cp2>,<cp3>\``,
    '',
  ];
  if (d.summary) lines.push(cell(d.summary), '');
  if (d.whenToUse) lines.push('## When to use', '', cell(d.whenToUse), '');
  lines.push('## Parameters', '', '| Name | Type | Default | Description |', '|---|---|---|---|', ...paramRows(d), '');
  lines.push('## Steps', '', '| Step | Kind | Effect | What it does |', '|---|---|---|---|');
  stepRows(d.steps, 0, lines);
  const irreversible = steps.filter((s) => s.kind === 'talosctl' && s.effect === 'irreversible').map((s) => s.id);
  lines.push(
    '',
    irreversible.length > 0
      ? `Irreversible steps: ${irreversible.map((i) => `\`${i}\``).join(', ')}. Each runs only after a confirm and a fresh re-check that the cluster did not change since the approval.`
      : 'This runbook has no irreversible step.',
    '',
  );
  const gates = gateLines(steps, index);
  lines.push('## Gates', '', ...(gates.length > 0 ? gates : ['No human gate: the runbook asks nothing.']), '');
  lines.push(
    '## Checks',
    '',
    '| Step | Kind | Check | Meaning | Evaluated |',
    '|---|---|---|---|---|',
    ...checkRows(steps),
    '',
  );
  lines.push('## Flow', '', '```mermaid', toMermaid(lint.compiled).trimEnd(), '```', '');
  lines.push((notes ?? '').trim(), '');
  if (d.references.length > 0) lines.push('## References', '', ...d.references.map((r) => `- <${r}>`), '');
  return { ok: true, page: lines.join('\n') };
}
