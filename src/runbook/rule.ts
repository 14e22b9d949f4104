import type { PendingDiagnostic } from './diagnostics.js';
import type { StepInfo } from './flow.js';
import type { Runbook } from './model.js';
import type { RunbookDoc } from './schema.js';

/**
 * What a cross-field rule is: a small named function over a document that passed the schema,
 * returning its problems with a YAML path (the loader turns paths into file:line:col).
 */

export interface RuleContext {
  doc: RunbookDoc;
  runbook: Runbook;
  index: Map<string, StepInfo>;
  /** "file:line:col" of a YAML path, for messages that point at a second place */
  where: (path: ReadonlyArray<string | number>) => string;
}

export type Rule = (ctx: RuleContext) => PendingDiagnostic[];

export type Path = ReadonlyArray<string | number>;

/** `steps[2].talosctl[1]`: a YAML path as a rule's message names it. */
export const showPath = (p: Path): string =>
  p.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');
