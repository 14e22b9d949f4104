import type { Diagnostic } from '../runbook/diagnostics.js';
import { parseRunbook } from '../runbook/load.js';
import { allSteps, type Runbook } from '../runbook/model.js';
import { type CompiledRunbook, compileRunbook } from './to-machine.js';
import { verifyMachine } from './verify.js';

/** The whole check of one runbook text: parse + rules, compile, verify the machine. Pure. */
export type LintResult =
  | { ok: true; runbook: Runbook; compiled: CompiledRunbook; warnings: Diagnostic[] }
  | { ok: false; errors: Diagnostic[]; warnings: Diagnostic[] };

export function lintRunbook(text: string, file: string): LintResult {
  const parsed = parseRunbook(text, file);
  if (!parsed.ok) return parsed;
  const compiled = compileRunbook(parsed.runbook);
  // the registry's reason for each command step, so a refusal says why the step needs a gate
  const reasons = Object.fromEntries(
    allSteps(parsed.runbook.steps).flatMap((s) => (s.kind === 'talosctl' ? [[s.id, s.command.reason]] : [])),
  );
  const found = verifyMachine(compiled.machine, { file, locations: parsed.locations, reasons });
  const errors = found.filter((d) => d.severity === 'error');
  if (errors.length > 0) return { ok: false, errors, warnings: parsed.warnings };
  return { ok: true, runbook: parsed.runbook, compiled, warnings: parsed.warnings };
}
