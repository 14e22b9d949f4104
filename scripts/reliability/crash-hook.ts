/**
 * Crash at every point: planned, not measured yet (it needs `talos-dr run`/`resume` from
 * wip/engine). The harness, once the executor is merged:
 *   for each runbook and each step k: run it on the lab (or the fake cluster) with a stand-in
 *   talosctl that SIGKILLs its parent (the engine) when invoked for the k-th time
 *   (FAKE_MODE=kill-parent, FAKE_KILL_AT=k, counting in a file); then `talos-dr resume <log>` with
 *   the same stand-in in pass-through mode; then count: runs completed, irreversible steps whose
 *   command was executed twice (must be 0), irreversible steps executed without a recorded
 *   approval (must be 0), logs that `talos-dr log verify` accepts (must be all).
 * The campaign reports this object until then, so the gap is visible in results.json.
 */
export const CRASH_AT_EVERY_POINT = {
  status: 'not-measured',
  needs: 'talos-dr run and resume (branch wip/engine)',
  figures: ['runsCompleted', 'irreversibleExecutedTwice', 'irreversibleWithoutApproval', 'logsVerified'],
} as const;
