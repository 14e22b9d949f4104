import type { ClusterView } from './cluster-view.js';
import type { Placeholder, TriageOptions, Verdict } from './model.js';

/**
 * One row of the decision table: a condition over the cluster view, and what it concludes. The
 * rows are tried in order and the first that decides wins, so a row may assume that no row above
 * it matched. `when` and `action` are the words of docs/triage.md's table, generated from here.
 */
export interface Row {
  id: string;
  verdict: Verdict;
  /** docs: when the row matches */
  when: string;
  /** docs: what triage says to do */
  action: string;
  /** the runbook the row recommends, or null when no runbook is the answer */
  runbook: string | null;
  decide(v: ClusterView, o: TriageOptions): Decision | undefined;
}

/** What a matching row says; the triage function adds the findings, the command and the exit code. */
export interface Decision {
  headline: string;
  why: string;
  subject?: { node: string; member: string };
  /** what to do before (or instead of) the runbook */
  first?: string;
  /** the runbook's params (values as typed after `--param name=`) */
  params?: Record<string, string>;
  placeholders?: Placeholder[];
  /** cannot tell: what would settle it */
  missing?: string[];
}
