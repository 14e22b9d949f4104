import type { ClusterReads } from '../checks/reader.js';
import type { Json } from '../checks/verdict.js';

export { DEFAULT_MAX_LAG } from '../checks/member-healthy.js';

/**
 * The vocabulary of triage: what goes in (two polls of the cluster, one window apart, and the
 * few thresholds a responder may change) and what comes out (findings with their evidence, one
 * verdict from the decision table, and the runbook to run with its params filled in).
 */

/** One round of reads of every node, and when it was taken (ms since the epoch, its midpoint). */
export interface Poll {
  reads: ClusterReads;
  at: number;
}

export interface TriageOptions {
  /** the control plane nodes, as given (`--param nodes=…`) */
  nodes: readonly string[];
  /** members of the cluster when whole (`--param members=N`); else counted from the member lists */
  members?: number;
  /** etcd's backend quota in bytes: what DB SIZE is measured against (Talos sets none: 2 GiB) */
  quotaBytes: number;
  /** raft entries behind the leader that count as lagging */
  maxLag: number;
}

export const DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;
/** the guide: "IN USE % under 50 suggests fragmentation; consider defragmentation" */
export const FRAGMENTED_BELOW_PERCENT = 50;
/** a defrag is worth a maintenance window when it gives back this share of the quota */
export const RECLAIM_WORTH_QUOTA_SHARE = 0.1;
/** DB SIZE at this share of the quota is near NOSPACE */
export const NEAR_QUOTA_SHARE = 0.8;

export interface TriageInput {
  options: TriageOptions;
  /** the full read (members, status, alarms, service, time) */
  first: Poll;
  /** `etcd status` again, one window later: leader stability and the lag trend */
  second: Poll;
}

/** How much a finding matters: `ok` is said plainly, never shouted. */
export type Severity = 'ok' | 'info' | 'risk' | 'problem' | 'unknown';

/** One thing triage saw, with the evidence behind it (node, member id in hex, the numbers). */
export interface Finding {
  /** stable id of the kind of finding, e.g. `db-quota`, `leader`, `raft-lag` */
  id: string;
  severity: Severity;
  text: string;
  node?: string;
  member?: string;
  evidence: Record<string, Json>;
}

export type Verdict = 'healthy' | 'degraded' | 'cannot-tell';

/** A value the user must put in before the command runs, and what to put there. */
export interface Placeholder {
  param: string;
  text: string;
  meaning: string;
}

/** The runbook to run: a complete `talos-dr run` line the runbook's own validation accepts. */
export interface Recommendation {
  runbook: string;
  /** param name → value as typed after `--param name=` (a placeholder stays in angle brackets) */
  params: Record<string, string>;
  placeholders: Placeholder[];
  /** argv after `talos-dr` */
  argv: string[];
  /** the argv as one line to copy into a POSIX shell */
  command: string;
}

/** What the decision table concluded. */
export interface Triage {
  verdict: Verdict;
  /** id of the decision-table row that matched */
  row: string;
  /** one line: what is wrong (or that nothing is) */
  headline: string;
  /** the evidence the row rests on, in a sentence or two */
  why: string;
  /** the member the verdict is about, if one */
  subject?: { node: string; member: string };
  /** what to do before (or instead of) any runbook */
  first?: string;
  recommendation?: Recommendation;
  /** cannot tell: what would settle it */
  missing: string[];
  findings: Finding[];
  exitCode: 0 | 1 | 4;
}
