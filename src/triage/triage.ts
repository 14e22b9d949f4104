import { type ClusterView, viewCluster } from './cluster-view.js';
import { DECISION_TABLE } from './decision-table.js';
import { findingsOf } from './findings.js';
import type { Triage, TriageInput, Verdict } from './model.js';
import { recommend } from './recommend.js';
import type { Decision, Row } from './row.js';

/**
 * Triage: two polls of the cluster → one view of its members → the first row of the decision
 * table that decides → the verdict, the runbook with its params, and every finding. Pure: the
 * shell (gather.ts) reads the cluster and passes the polls in.
 */

export const EXIT_OF: Readonly<Record<Verdict, 0 | 1 | 4>> = { healthy: 0, degraded: 1, 'cannot-tell': 4 };

/** The first row that decides, and what it decided (the last row always decides). */
export function decide(
  v: ClusterView,
  input: TriageInput,
  rows: readonly Row[] = DECISION_TABLE,
): { row: Row; d: Decision } {
  for (const row of rows) {
    const d = row.decide(v, input.options);
    if (d !== undefined) return { row, d };
  }
  throw new Error('the decision table has no last row that always decides');
}

/** `connection`: the flags triage reached the cluster with, carried into the recommended command. */
export function triage(input: TriageInput, connection: readonly string[] = []): Triage {
  return triageWithView(input, connection).triage;
}

/** The triage and the view it was decided on (watch takes its figures from the view). */
export function triageWithView(
  input: TriageInput,
  connection: readonly string[] = [],
): { triage: Triage; view: ClusterView } {
  const view = viewCluster(input.first, input.second, input.options);
  const { row, d } = decide(view, input);
  const recommendation =
    row.runbook !== null && d.params !== undefined
      ? recommend(row.runbook, d.params, d.placeholders ?? [], connection)
      : undefined;
  const result: Triage = {
    verdict: row.verdict,
    row: row.id,
    headline: d.headline,
    why: d.why,
    ...(d.subject ? { subject: d.subject } : {}),
    ...(d.first ? { first: d.first } : {}),
    ...(recommendation ? { recommendation } : {}),
    missing: d.missing ?? [],
    findings: findingsOf(view, input.options),
    exitCode: EXIT_OF[row.verdict],
  };
  return { triage: result, view };
}
