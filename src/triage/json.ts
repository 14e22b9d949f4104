import type { Json } from '../checks/verdict.js';
import type { Triage } from './model.js';

/**
 * `triage --json`: the stable shape scripts read (docs/triage.md). Fields are only added, never
 * renamed; `schema` names the version.
 */

export const TRIAGE_JSON_SCHEMA = 'talos-dr-triage/1';

export interface JsonContext {
  nodes: readonly string[];
  polls: readonly [number, number];
  tookMs?: number;
  quotaBytes: number;
  maxLag: number;
}

export function triageJson(t: Triage, c: JsonContext): Json {
  return {
    schema: TRIAGE_JSON_SCHEMA,
    verdict: t.verdict,
    exitCode: t.exitCode,
    row: t.row,
    headline: t.headline,
    why: t.why,
    subject: t.subject ?? null,
    first: t.first ?? null,
    recommendation: t.recommendation
      ? {
          runbook: t.recommendation.runbook,
          params: t.recommendation.params,
          placeholders: t.recommendation.placeholders.map((p) => ({ ...p })),
          argv: t.recommendation.argv,
          command: t.recommendation.command,
        }
      : null,
    missing: t.missing,
    findings: t.findings.map((f) => ({
      id: f.id,
      severity: f.severity,
      text: f.text,
      node: f.node ?? null,
      member: f.member ?? null,
      evidence: f.evidence,
    })),
    nodes: [...c.nodes],
    polls: c.polls.map((at) => new Date(at).toISOString()),
    tookMs: c.tookMs ?? null,
    options: { quotaBytes: c.quotaBytes, maxLag: c.maxLag },
  };
}
