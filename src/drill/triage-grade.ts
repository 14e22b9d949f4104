import type { TriageAnswer } from './triage-drills.js';

/** What `talos-dr triage --json` said (the fields the grade and the report read). */
export interface TriageGot {
  row: string;
  verdict: string;
  exitCode: number;
  subject: { node: string; member: string } | null;
  recommendation: { runbook: string; params: Record<string, string>; command: string } | null;
  headline: string;
  tookMs: number | null;
}

/** Whether `got` is one of the right answers, and why not: only the documented row, runbook, exact params and member pass. */
export function gradeTriage(right: readonly TriageAnswer[], got: TriageGot | null): { ok: boolean; why: string } {
  if (got === null) return { ok: false, why: 'triage printed no JSON' };
  const misses = right.map((r) => missOf(r, got));
  const hit = misses.indexOf(undefined);
  if (hit >= 0) {
    const r = right[hit];
    return { ok: true, why: `row ${got.row}${r?.runbook ? `, ${r.runbook} with the right params` : ', no runbook'}` };
  }
  return { ok: false, why: misses.join('; or ') };
}

function missOf(r: TriageAnswer, got: TriageGot): string | undefined {
  if (got.row !== r.row) return `row ${got.row}, expected ${r.row}`;
  const runbook = got.recommendation?.runbook ?? null;
  if (runbook !== r.runbook) return `runbook ${runbook ?? 'none'}, expected ${r.runbook ?? 'none'}`;
  if (r.params !== undefined) {
    const have = got.recommendation?.params ?? {};
    const keys = [...new Set([...Object.keys(have), ...Object.keys(r.params)])].sort();
    const wrong = keys.filter((k) => have[k] !== r.params?.[k]);
    if (wrong.length > 0)
      return `params ${wrong.map((k) => `${k}=${have[k] ?? '(none)'} (expected ${r.params?.[k] ?? 'none'})`).join(', ')}`;
  }
  if (r.subject !== undefined && got.subject?.node !== r.subject)
    return `about ${got.subject?.node ?? 'no node'}, expected ${r.subject}`;
  return undefined;
}
