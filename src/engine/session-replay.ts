import type { AnyRecord } from '../audit/log-format.js';
import { guardedSteps, indexSteps } from '../runbook/flow.js';
import { allSteps, type Runbook } from '../runbook/model.js';
import { createReplay, type Replay } from './replay.js';

/** The ids `--approve` may name: confirm steps and the irreversible steps they guard. */
export function gateIds(runbook: Runbook): string[] {
  return allSteps(runbook.steps)
    .filter((s) => s.kind === 'confirm' || s.kind === 'manual' || (s.kind === 'talosctl' && s.gate))
    .map((s) => s.id);
}

/** The replay of a resumed run over its verified records (also what tests resume with). */
export function createRunReplay(runbook: Runbook, records: readonly AnyRecord[]): Replay {
  const index = indexSteps(runbook);
  const steps = allSteps(runbook.steps);
  return createReplay(
    records,
    new Set(steps.filter((s) => s.kind === 'talosctl').map((s) => s.id)),
    // a gated step's own re-approval (after an unknown outcome) guards the step itself
    (id) => (index.get(id)?.step.kind === 'talosctl' ? [id] : guardedSteps(id, index).map((s) => s.id)),
    new Set(steps.filter((s) => s.kind === 'manual').map((s) => s.id)),
  );
}
