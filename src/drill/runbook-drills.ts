import { join } from 'node:path';
import type { DrillFault } from './fault-table.js';

/**
 * The runbook drills: for each scenario, the runbook it runs, what the drill does before the
 * faults (a snapshot or a backup, then writes the restore must lose), the faults (rows of
 * fault-table.ts, in order), the params the run gets besides `nodes`, and what the drill does
 * while the run is at a step. Applied by prepare-drill.ts; no lab code is loaded from here, so
 * the shell completion lists the scenarios cheaply.
 */

export interface RunbookDrill {
  /** the runbook it runs (default: the scenario's own name); variants run one with another fault */
  readonly runbook?: string;
  /**
   * before the faults: a snapshot through the lab's talosctl (to `file` in the work dir) or a
   * `backup run` to a directory target; `thenWrite` keys written after it make its data set the
   * one the restore must bring back
   */
  readonly prepare?: { readonly take: 'snapshot' | 'backup'; readonly file?: string; readonly thenWrite?: number };
  readonly faults: readonly DrillFault[];
  /** `--param` strings for the run, besides nodes */
  readonly params: (c: ParamContext) => string[];
  /**
   * what the drill does, as someone other than the responder, once the run starts `atStep`:
   * `repair` is the network team repairing the link (`lab heal`) while the writes pause
   */
  readonly during?: { readonly atStep: string; readonly act: 'repair' };
}

export interface ParamContext {
  /** the drill's temp dir (snapshots the run writes) */
  work: string;
  members: number;
  /** what the prepare step took: the snapshot file, or `backup:latest` */
  snapshot: string | undefined;
}

const replaceParams = (c: ParamContext): string[] => [`snapshot=${join(c.work, 'before-replace.snapshot')}`];
const restoreParams = (c: ParamContext): string[] => [`snapshot=${c.snapshot}`, `members=${c.members}`];

export const RUNBOOK_DRILLS: Readonly<Record<string, RunbookDrill>> = {
  'nospace-recovery': { faults: ['nospace'], params: () => [] },
  'nospace-full': { runbook: 'nospace-recovery', faults: ['nospace-full'], params: () => [] },
  'restore-from-snapshot': {
    prepare: { take: 'snapshot', file: 'good.snapshot', thenWrite: 10 },
    faults: ['lose-majority'],
    params: restoreParams,
  },
  // the restore takes its snapshot from a backup target: `backup run` first, then the same loss
  'restore-from-backup': {
    runbook: 'restore-from-snapshot',
    prepare: { take: 'backup', thenWrite: 10 },
    faults: ['lose-majority'],
    params: restoreParams,
  },
  'restore-corrupt-snapshot': {
    runbook: 'restore-from-snapshot',
    prepare: { take: 'snapshot', file: 'corrupt.snapshot' },
    faults: ['corrupt-snapshot', 'quorum-loss'],
    params: restoreParams,
  },
  'replace-two-down': {
    runbook: 'replace-lost-member',
    faults: ['lose-first-follower', 'kill-follower'],
    params: replaceParams,
  },
  'replace-lost-member': { faults: ['lose-follower'], params: replaceParams },
  'replace-lost-leader': { runbook: 'replace-lost-member', faults: ['lose-leader'], params: replaceParams },
  'member-not-syncing': { faults: ['stuck-learner'], params: (c) => [`members=${c.members}`] },
  // a voter that answers but falls behind over a slow link while the cluster takes writes: it must
  // be found by its lag (not as a learner or as cut off), and not wiped; once the link is repaired
  // (the drill acts out the network team while the runbook waits) it must be proven back in sync
  'member-not-syncing-slow-link': {
    runbook: 'member-not-syncing',
    faults: ['slow-link'],
    params: (c) => [`members=${c.members}`, 'maxLag=100'],
    during: { atStep: 'catch-up', act: 'repair' },
  },
  'backup-snapshot': { faults: [], params: (c) => [`path=${join(c.work, 'backup.snapshot')}`] },
  'rolling-defrag': { faults: [], params: () => [] },
  'health-check': { faults: [], params: (c) => [`members=${c.members}`] },
};

export const DRILL_SCENARIOS = Object.keys(RUNBOOK_DRILLS);

/** The runbook a scenario runs. */
export const runbookOf = (scenario: string): string => RUNBOOK_DRILLS[scenario]?.runbook ?? scenario;
