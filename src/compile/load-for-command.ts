import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliContext } from '../io/context.js';
import { formatDiagnostic } from '../runbook/diagnostics.js';
import { MAX_RUNBOOK_BYTES, tooLarge } from '../runbook/load.js';
import { locateRunbook } from '../runbook/source.js';
import { type LintResult, lintRunbook } from './lint.js';

/** A runbook opened for a command: the text read once, and what was compiled from exactly it. */
export type OpenedRunbook = Extract<LintResult, { ok: true }> & {
  /** the absolute path it was read from */
  path: string;
  /** the bytes compiled, and so the bytes a run's log hashes (never a second read of the file) */
  text: string;
};

/**
 * For commands that take one `<runbook>`: locate, read once, lint, and either return the compiled
 * runbook with the text it came from, or print the diagnostics (the caller exits 2).
 */
export function loadForCommand(arg: string, ctx: CliContext): OpenedRunbook | undefined {
  const file = locateRunbook(arg, ctx.cwd);
  const abs = resolve(ctx.cwd, file);
  const size = statSync(abs).size;
  const text = size > MAX_RUNBOOK_BYTES ? '' : readFileSync(abs, 'utf8');
  const r: LintResult =
    size > MAX_RUNBOOK_BYTES ? { ok: false, errors: [tooLarge(file, size)], warnings: [] } : lintRunbook(text, file);
  if (r.ok) return { ...r, path: abs, text };
  for (const d of [...r.errors, ...r.warnings]) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
  return undefined;
}
