import type { Runbook, Step } from '../runbook/model.js';
import type { Effect } from '../talos/commands.js';

/** What `talos-dr describe` shows: a plain view of a runbook for people and for --json. */
export interface StepDescription {
  id: string;
  title: string;
  kind: Step['kind'];
  effect: Effect | undefined;
  irreversible: boolean;
  /** what must happen before it runs, from the command registry */
  requires: string | undefined;
  /** why the registry classes it so */
  why: string | undefined;
  command: string | undefined;
  steps: StepDescription[] | undefined;
}
export interface RunbookDescription {
  name: string;
  title: string;
  summary: string | undefined;
  whenToUse: string | undefined;
  references: readonly string[];
  params: Array<{ name: string; type: string; required: boolean; default: unknown; description: string }>;
  steps: StepDescription[];
}

const argvText = (argv: ReadonlyArray<string | { ref: string }>): string =>
  argv.map((a) => (typeof a === 'string' ? a : `{${a.ref}}`)).join(' ');

function describeStep(s: Step): StepDescription {
  return {
    id: s.id,
    title: s.title,
    kind: s.kind,
    effect: s.kind === 'talosctl' ? s.effect : undefined,
    irreversible: s.kind === 'talosctl' && s.effect === 'irreversible',
    requires: s.kind === 'talosctl' ? requirement(s) : undefined,
    why: s.kind === 'talosctl' ? s.command.reason : undefined,
    command: s.kind === 'talosctl' ? `talosctl ${argvText(s.argv)}` : undefined,
    steps: s.kind === 'foreach' ? s.steps.map(describeStep) : undefined,
  };
}

/** What a talosctl step needs before it runs, in words. */
function requirement(s: Extract<Step, { kind: 'talosctl' }>): string | undefined {
  const parts: string[] = [];
  if (s.gate) parts.push('a typed confirm and a live recheck');
  if (s.quorum !== undefined) parts.push(`a fresh quorum check (${s.quorum} out of service)`);
  if (s.effect === 'local-write') parts.push('its local file must not exist (never overwritten)');
  return parts.length === 0 ? undefined : parts.join(', then ');
}

export function describeRunbook(rb: Runbook): RunbookDescription {
  return {
    ...rb.metadata,
    params: Object.entries(rb.params).map(([name, p]) => ({
      name,
      type: p.type,
      required: p.default === undefined,
      default: p.default,
      description: p.description,
    })),
    steps: rb.steps.map(describeStep),
  };
}

export function renderDescription(d: RunbookDescription): string {
  const lines = [`${d.name}: ${d.title}`];
  if (d.summary) lines.push(`  ${d.summary}`);
  if (d.whenToUse) lines.push('', `When to use: ${d.whenToUse}`);
  lines.push('', 'Params:');
  for (const p of d.params) {
    const def = p.required ? 'required' : `default ${JSON.stringify(p.default)}`;
    lines.push(`  ${p.name} (${p.type}, ${def}): ${p.description}`);
  }
  lines.push('', 'Steps:');
  const walk = (steps: StepDescription[], depth: number): void => {
    for (const s of steps) {
      const mark = s.irreversible ? '⚠ IRREVERSIBLE ' : '';
      const effect = s.effect === undefined ? s.kind : `${s.kind}, ${s.effect}`;
      lines.push(`${'  '.repeat(depth)}- ${mark}${s.id} [${effect}] ${s.title}${s.command ? `: ${s.command}` : ''}`);
      if (s.requires) lines.push(`${'  '.repeat(depth + 1)}  needs ${s.requires}: ${s.why}`);
      if (s.steps) walk(s.steps, depth + 1);
    }
  };
  walk(d.steps, 1);
  if (d.references.length > 0) lines.push('', 'References:', ...d.references.map((r) => `  ${r}`));
  return `${lines.join('\n')}\n`;
}
