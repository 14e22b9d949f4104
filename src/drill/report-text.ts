import type { DrillReport } from './run-runbook-drill.js';
import type { TriageDrillReport } from './run-triage-drill.js';

/** The drill report a trainer reads: the grade first, then what it rests on. */
export function drillReportText(r: DrillReport): string {
  const mark = (ok: boolean): string => (ok ? '✔' : '✘');
  const passed = r.exitCode === 0;
  const lines = [
    '',
    `━━ DRILL ${r.scenario} (runbook ${r.runbook}): ${passed ? 'PASSED' : r.exitCode === 3 ? 'STOPPED AT A GATE' : 'FAILED'}`,
    `  fault           ${r.fault}`,
    `  run             ${r.run.outcome} (exit ${r.run.exitCode})${r.run.stepId ? ` at ${r.run.stepId}` : ''}${r.run.message ? `: ${r.run.message}` : ''}`,
    `  ${mark(r.recovered)} recovered     ${r.recovered ? 'yes' : 'no'}: the runbook's outcome and the lab's own checks`,
    ...r.checks.map((c) => `      ${mark(c.ok)} ${c.name}: ${c.detail}`),
    `  ${mark(r.data.intact)} data intact   ${r.data.intact ? 'yes' : 'no'}: expected ${r.data.expected.keys} keys sha256 ${r.data.expected.sha256.slice(0, 16)}… (${r.data.note})`,
    `      after: ${r.data.after ? `${r.data.after.keys} keys sha256 ${r.data.after.sha256.slice(0, 16)}…` : 'unreadable'}; before the fault: ${r.data.before.keys} keys`,
    `  time to recover ${(r.timeToRecoverMs / 1000).toFixed(1)} s (run start to run end)`,
    `  gates           ${r.gates.length === 0 ? 'none answered' : ''}`,
    ...r.gates.map((g) => `      ${g.step}: ${g.approved ? 'approved' : 'declined'} by ${g.who} (${g.how})`),
    `  log             ${r.log}  (talos-dr log verify ${r.log})`,
    `  lab             ${r.labKept ? `kept running in ${r.labDir} (talos-dr lab down --dir ${r.labDir})` : `down (${r.labDir})`}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The triage drill's report: what was done, what triage said, the right answer, the grade. */
export function triageDrillText(r: TriageDrillReport): string {
  const got = r.got;
  const lines = [
    `━━ DRILL triage --fault ${r.fault}: ${r.graded ? 'PASSED' : 'FAILED'}`,
    `  fault           ${r.injected}`,
    `  triage said     ${got ? `${got.verdict} (row ${got.row}, exit ${got.exitCode}): ${got.headline}` : 'nothing (no JSON)'}`,
    `  it recommends   ${got?.recommendation?.command ?? 'no runbook'}`,
    `  right answer    ${r.right.map((a) => `${a.row}${a.runbook ? ` → ${a.runbook}` : ''}${a.subject ? ` about ${a.subject}` : ''}`).join(' or ')}`,
    `  ${r.graded ? '✔' : '✘'} graded        ${r.why}`,
    ...(got?.tookMs ? [`  triage took     ${(got.tookMs / 1000).toFixed(1)} s`] : []),
  ];
  return `${lines.join('\n')}\n`;
}
