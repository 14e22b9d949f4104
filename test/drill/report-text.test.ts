import { describe, expect, it } from 'vitest';
import { drillReportText, triageDrillText } from '../../src/drill/report-text.js';
import type { DrillReport } from '../../src/drill/run-runbook-drill.js';
import type { TriageDrillReport } from '../../src/drill/run-triage-drill.js';

/**
 * The drill reports a trainer reads (docs/drills.md): the grade word from the exit code, every
 * check and gate on its own line, ✔/✘ from each flag, and nothing claimed that the report does
 * not hold (an unreadable checksum, no gates, no triage JSON).
 */
const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);

function report(over: Partial<DrillReport> = {}): DrillReport {
  return {
    scenario: 'nospace',
    runbook: 'nospace-recovery',
    labDir: '/tmp/lab',
    log: '/tmp/lab/run.jsonl',
    fault: 'nospace: 4 keys of 512 KB',
    run: { outcome: 'succeeded', exitCode: 0, stepId: null, message: null },
    recovered: true,
    checks: [
      { name: 'alarms', ok: true, detail: 'none' },
      { name: 'members', ok: false, detail: '2 of 3' },
    ],
    data: {
      before: { keys: 10, sha256: SHA_A },
      expected: { keys: 10, sha256: SHA_A },
      after: { keys: 10, sha256: SHA_A },
      intact: true,
      note: 'the checksum before the fault',
    },
    timeToRecoverMs: 12_345,
    gates: [],
    labKept: false,
    exitCode: 0,
    ...over,
  };
}

describe('drillReportText', () => {
  it('a passed drill, line by line', () => {
    expect(drillReportText(report())).toBe(
      [
        '',
        '━━ DRILL nospace (runbook nospace-recovery): PASSED',
        '  fault           nospace: 4 keys of 512 KB',
        '  run             succeeded (exit 0)',
        "  ✔ recovered     yes: the runbook's outcome and the lab's own checks",
        '      ✔ alarms: none',
        '      ✘ members: 2 of 3',
        `  ✔ data intact   yes: expected 10 keys sha256 ${'a'.repeat(16)}… (the checksum before the fault)`,
        `      after: 10 keys sha256 ${'a'.repeat(16)}…; before the fault: 10 keys`,
        '  time to recover 12.3 s (run start to run end)',
        '  gates           none answered',
        '  log             /tmp/lab/run.jsonl  (talos-dr log verify /tmp/lab/run.jsonl)',
        '  lab             down (/tmp/lab)',
        '',
      ].join('\n'),
    );
  });

  it('exit 3 is STOPPED AT A GATE, any other non-zero FAILED; the step and message of the run follow', () => {
    const gate = drillReportText(
      report({ exitCode: 3, run: { outcome: 'gated', exitCode: 3, stepId: 'remove-member', message: null } }),
    );
    expect(gate).toContain('━━ DRILL nospace (runbook nospace-recovery): STOPPED AT A GATE\n');
    expect(gate).toContain('  run             gated (exit 3) at remove-member\n');
    const failed = drillReportText(
      report({
        exitCode: 1,
        recovered: false,
        run: { outcome: 'failed', exitCode: 1, stepId: 'defrag', message: 'timed out' },
      }),
    );
    expect(failed).toContain(': FAILED\n');
    expect(failed).toContain('  run             failed (exit 1) at defrag: timed out\n');
    expect(failed).toContain("  ✘ recovered     no: the runbook's outcome");
    expect(drillReportText(report({ exitCode: 4 }))).toContain(': FAILED\n');
  });

  it('data not intact, after unreadable; gates by who and how; a kept lab says how to take it down', () => {
    const t = drillReportText(
      report({
        data: {
          before: { keys: 10, sha256: SHA_A },
          expected: { keys: 12, sha256: SHA_B },
          after: null,
          intact: false,
          note: "the snapshot's",
        },
        gates: [
          { step: 'remove-member', approved: true, who: 'alice', how: 'typed' },
          { step: 'reset', approved: false, who: 'bob', how: '--approve' },
        ],
        labKept: true,
        timeToRecoverMs: 0,
      }),
    );
    expect(t).toContain(`  ✘ data intact   no: expected 12 keys sha256 ${'b'.repeat(16)}… (the snapshot's)\n`);
    expect(t).toContain('      after: unreadable; before the fault: 10 keys\n');
    expect(t).toContain('  time to recover 0.0 s');
    expect(t).toContain(
      '  gates           \n      remove-member: approved by alice (typed)\n      reset: declined by bob (--approve)\n',
    );
    expect(t).toContain('  lab             kept running in /tmp/lab (talos-dr lab down --dir /tmp/lab)\n');
  });
});

describe('triageDrillText', () => {
  const base: TriageDrillReport = {
    scenario: 'triage',
    fault: 'nospace' as TriageDrillReport['fault'],
    injected: 'nospace on 127.0.0.121',
    right: [
      { row: 'D1', runbook: 'nospace-recovery' },
      { row: 'D4', runbook: null, subject: 'lab-cp-2' },
    ],
    got: {
      row: 'D1',
      verdict: 'degraded',
      exitCode: 1,
      subject: null,
      recommendation: { runbook: 'nospace-recovery', params: {}, command: 'talos-dr run nospace-recovery' },
      headline: 'NOSPACE alarm',
      tookMs: 2500,
    },
    graded: true,
    why: 'row D1 as documented',
    exitCode: 0,
  };

  it('what triage said, the right answers joined by "or", the grade', () => {
    expect(triageDrillText(base)).toBe(
      [
        '━━ DRILL triage --fault nospace: PASSED',
        '  fault           nospace on 127.0.0.121',
        '  triage said     degraded (row D1, exit 1): NOSPACE alarm',
        '  it recommends   talos-dr run nospace-recovery',
        '  right answer    D1 → nospace-recovery or D4 about lab-cp-2',
        '  ✔ graded        row D1 as documented',
        '  triage took     2.5 s',
        '',
      ].join('\n'),
    );
  });

  it('no JSON: says so, recommends nothing, no time line; a failed grade is ✘', () => {
    const t = triageDrillText({ ...base, got: null, graded: false, why: 'triage printed no JSON', exitCode: 1 });
    expect(t).toContain(': FAILED\n');
    expect(t).toContain('  triage said     nothing (no JSON)\n');
    expect(t).toContain('  it recommends   no runbook\n');
    expect(t).toContain('  ✘ graded        triage printed no JSON\n');
    expect(t).not.toContain('triage took');
    const untimed = triageDrillText({ ...base, got: { ...base.got, tookMs: null } as TriageDrillReport['got'] });
    expect(untimed).not.toContain('triage took');
    expect(untimed).toContain('  triage said     degraded (row D1, exit 1): NOSPACE alarm\n');
  });
});
