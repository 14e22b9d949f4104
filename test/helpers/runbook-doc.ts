import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { lintRunbook } from '../../src/compile/lint.js';
import { indexSteps } from '../../src/runbook/flow.js';
import type { Runbook } from '../../src/runbook/model.js';
import { normalizeRunbook } from '../../src/runbook/normalize.js';
import { type Path, type RuleContext, showPath } from '../../src/runbook/rule.js';
import { type RunbookDoc, RunbookSchema } from '../../src/runbook/schema.js';

/**
 * A runbook text as the cross-field rules receive it (schema-valid document, normalized runbook,
 * step index), without the loader: tests of one rule or one analysis start here.
 */
export function schemaValid(text: string): { doc: RunbookDoc; runbook: Runbook } | undefined {
  let value: unknown;
  try {
    value = parse(text);
  } catch {
    return undefined;
  }
  const r = RunbookSchema.safeParse(value);
  return r.success ? { doc: r.data, runbook: normalizeRunbook(r.data) } : undefined;
}

/** where() for tests: the YAML path, not a file position (the loader's locations are its own tests). */
export const whereAt = (p: Path): string => `at ${showPath(p)}`;

/** The rule context of a runbook text; throws when the schema refuses it (a broken test fixture). */
export function ruleContextOf(text: string): RuleContext {
  const ok = schemaValid(text);
  if (ok === undefined) throw new Error(`not schema-valid:\n${text}`);
  return { ...ok, index: indexSteps(ok.runbook), where: whereAt };
}

/** A runbook of the given steps (YAML list items) with a `nodes` param. */
export function runbookText(
  steps: string,
  params = '  nodes: { type: nodes, description: control plane nodes }\n',
): string {
  return `apiVersion: talos-dr/v1\nkind: Runbook\nmetadata: { name: t, title: T }\nparams:\n${params}steps:\n${steps}`;
}

/** A built-in runbook, linted and normalized (throws if it does not lint: the suite's own check fails first). */
export function builtin(name: string): Runbook {
  const r = lintRunbook(readFileSync(`runbooks/${name}.yaml`, 'utf8'), `runbooks/${name}.yaml`);
  if (!r.ok) throw new Error(`runbooks/${name}.yaml does not lint`);
  return r.runbook;
}
