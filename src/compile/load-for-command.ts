import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliContext } from '../io/context.js';
import { formatDiagnostic } from '../runbook/diagnostics.js';
import { MAX_RUNBOOK_BYTES, tooLarge } from '../runbook/load.js';
import { locateRunbook } from '../runbook/source.js';
import { type LintResult, lintRunbook } from './lint.js';

/**
 * For commands that take one `<runbook>`: locate, lint, and either return the compiled runbook
 * or print the diagnostics (the caller exits 2).
 */
export function loadForCommand(arg: string, ctx: CliContext): Extract<LintResult, { ok: true }> | undefined {
  const file = locateRunbook(arg, ctx.cwd);
  const abs = resolve(ctx.cwd, file);
  const size = statSync(abs).size;
  const r: LintResult =
    size > MAX_RUNBOOK_BYTES
      ? { ok: false, errors: [tooLarge(file, size)], warnings: [] }
      : lintRunbook(readFileSync(abs, 'utf8'), file);
  if (r.ok) return r;
  for (const d of [...r.errors, ...r.warnings]) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
  return undefined;
}
