import type { ObservationName } from '../checks/catalog.js';
import { gatherObservation } from '../checks/observe/index.js';
import { openRunbookArg } from '../compile/open-runbook.js';
import { createClusterReader } from '../engine/cluster-reader.js';
import { Journal } from '../engine/journal.js';
import { parseParams } from '../engine/params.js';
import { buildPlan, formatPlan } from '../engine/plan.js';
import { readOnlyTalosctl } from '../engine/read-only-talosctl.js';
import { scopeOf } from '../engine/step-text.js';
import type { CliContext } from '../io/context.js';
import { ExitCode } from '../io/exit-codes.js';
import type { Value } from '../runbook/params.js';
import { resolveArgs } from '../runbook/refs.js';
import { createTalosctl } from '../talos/talosctl.js';
import type { PlanFlags } from './commands/plan.js';

/**
 * `plan`: the steps a run would take. With --live-reads, the top-level read steps run (through the
 * read-only adapter: nothing else can be spawned) so the argv of later steps shows real values.
 */
export async function planCommand(file: string, f: PlanFlags, ctx: CliContext): Promise<number> {
  const lint = openRunbookArg(file, ctx);
  if (lint === undefined) return ExitCode.usage;
  const params = parseParams(lint.runbook.params, f.param);
  const context = { params, captures: {} as Record<string, Record<string, Value>>, vars: {} };
  if (f.liveReads === true) {
    const talosctl = readOnlyTalosctl(createTalosctl(f.talosctl === undefined ? {} : { binary: f.talosctl }));
    const journal = Journal.create('', { sink: { append() {}, sync() {}, close() {} } });
    for (const s of lint.runbook.steps) {
      if (s.kind !== 'read') continue;
      const args = resolveArgs(s.with, scopeOf(context));
      if (!args.ok) continue;
      const reader = createClusterReader({
        talosctl,
        journal,
        step: () => s.id,
        signal: ctx.signal,
        timeoutMs: 15_000,
      });
      const run = await gatherObservation(s.observe as ObservationName, reader, args.value);
      if (run.result.ok) context.captures[s.capture] = run.result.outputs as Record<string, Value>;
      else ctx.stderr.write(`${s.id}: ${run.result.reason}\n`);
    }
  }
  const items = buildPlan(lint.runbook, context);
  if (f.json === true)
    ctx.stdout.write(`${JSON.stringify({ runbook: lint.runbook.metadata.name, params, steps: items }, null, 2)}\n`);
  else {
    ctx.stdout.write(`Plan of ${lint.runbook.metadata.name}: ${lint.runbook.metadata.title} (nothing is changed)\n`);
    ctx.stdout.write(formatPlan(items));
  }
  return ExitCode.ok;
}
