import type { Finding, Severity, Triage } from './model.js';

/**
 * The text a tired responder reads: the verdict on the first line, what to do first, the command
 * to copy, then why, then every finding with its evidence. Plain words, no colour, no FAIL for
 * what is fine; only a problem is in capitals.
 */

const LABEL: Readonly<Record<Severity, string>> = {
  ok: 'ok',
  info: 'info',
  risk: 'risk',
  problem: 'PROBLEM',
  unknown: 'unknown',
};

const VERDICT: Readonly<Record<Triage['verdict'], string>> = {
  healthy: 'HEALTHY',
  degraded: 'DEGRADED',
  'cannot-tell': 'CANNOT TELL',
};

function findingLine(f: Finding): string {
  return `  ${LABEL[f.severity].padEnd(8)} ${f.text}`;
}

export interface TextContext {
  /** seconds between the two polls */
  windowSeconds: number;
  /** total wall time of the triage, when measured */
  tookMs?: number;
}

export function triageText(t: Triage, c: TextContext): string {
  const out: string[] = [`${VERDICT[t.verdict]}: ${t.headline}`, ''];
  if (t.first) out.push(`First: ${t.first}`, '');
  const r = t.recommendation;
  if (r) {
    out.push(t.first ? 'Then run:' : 'Run:', `  ${r.command}`);
    for (const p of r.placeholders) out.push(`  replace ${p.text} (param ${p.param}) with ${p.meaning}`);
    out.push('');
  } else if (t.verdict === 'degraded') out.push('No runbook fits this state: do what is said above.', '');
  if (t.missing.length > 0) out.push('Missing:', ...t.missing.map((m) => `  - ${m}`), '');
  out.push(`Why: ${t.why}`, '');
  const took = c.tookMs === undefined ? '' : `, ${(c.tookMs / 1000).toFixed(1)} s in all`;
  out.push(`Findings (2 polls ${c.windowSeconds.toFixed(1)} s apart${took}):`, ...t.findings.map(findingLine));
  out.push('', `Decision row: ${t.row} (docs/triage.md). Exit ${t.exitCode}.`);
  return `${out.join('\n')}\n`;
}
