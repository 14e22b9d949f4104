// The reliability campaign (issue #8): hostile runbooks and talosctl outputs, hostile params, hung
// and broken talosctl, lock contention. Prints a table and writes reliability/results.json.
// Counts come from the environment; the defaults are the full campaign:
//   RELIABILITY_RUNBOOKS=100000 RELIABILITY_OUTPUTS=100000 RELIABILITY_LOCK_ROUNDS=20
//   RELIABILITY_LOCK_TAKERS=8 RELIABILITY_RECORDED_RUNBOOKS=2000 RELIABILITY_CRASH_PROPERTY=10000 RELIABILITY_SEED=1 RELIABILITY_CRASH=1 RELIABILITY_CRASH_POINTS=12
//   RELIABILITY_MATRIX=1 (the recovery drills on Talos 1.8–1.14, scripts/reliability/drill-matrix.ts)
//   RELIABILITY_CRASH_RUNBOOKS=nospace-recovery,replace-lost-member,restore-from-snapshot,member-not-syncing
// The crash section runs on the real lab: run the campaign under the lab lock
//   (flock /work/wt/lab.lock npm run test:reliability), or skip it with RELIABILITY_CRASH=0.
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform } from 'node:os';
import { brokenTalosctl } from './reliability/broken-talosctl.js';
import { brokenThroughRun } from './reliability/broken-through-run.js';
import { type CrashRunbookFigures, crashCampaign } from './reliability/crash-points.js';
import { crashProperty } from './reliability/crash-property.js';
import { drillMatrix } from './reliability/drill-matrix.js';
import { hostileParams } from './reliability/hostile-params.js';
import { lockContention, lockLifecycle } from './reliability/lock-contention.js';
import { fuzzTalosctlOutputs } from './reliability/output-fuzz.js';
import { recordedRuns } from './reliability/recorded-runs.js';
import { fuzzRunbooks } from './reliability/runbook-fuzz.js';

const num = (name: string, dflt: number): number => {
  const v = Number(process.env[name] ?? dflt);
  return Number.isFinite(v) && v >= 0 ? Math.floor(v) : dflt;
};
const seed = num('RELIABILITY_SEED', 1);
const counts = {
  runbooks: num('RELIABILITY_RUNBOOKS', 100_000),
  outputs: num('RELIABILITY_OUTPUTS', 100_000),
  lockRounds: num('RELIABILITY_LOCK_ROUNDS', 20),
  lockTakers: num('RELIABILITY_LOCK_TAKERS', 8),
  recorded: num('RELIABILITY_RECORDED_RUNBOOKS', 2_000),
  crashProperty: num('RELIABILITY_CRASH_PROPERTY', 10_000),
  crash: num('RELIABILITY_CRASH', 1),
  crashPoints: num('RELIABILITY_CRASH_POINTS', 12),
  matrix: num('RELIABILITY_MATRIX', 1),
};

const rows: Array<[area: string, figure: string, value: string, must: string, ok: boolean]> = [];
const row = (area: string, figure: string, value: number | string, must = '', ok = true) =>
  rows.push([area, figure, String(value), must, ok]);
const zero = (area: string, figure: string, value: number) => row(area, figure, value, '= 0', value === 0);

const log = (s: string) => process.stderr.write(`${s}\n`);
const started = Date.now();

if (counts.matrix > 0) {
  log('drill matrix: the four recovery drills on every lab Talos version…');
  const cells = drillMatrix(log);
  row('drill matrix', 'versions × drills', `${cells.length} (${[...new Set(cells.map((c) => c.version))].join(', ')})`);
  zero('drill matrix', 'drills not recovered, data not intact or log not verified', cells.filter((c) => !c.ok).length);
}

log(`runbooks: ${counts.runbooks} cases…`);
const runbooks = fuzzRunbooks(counts.runbooks, seed);
row(
  'runbooks',
  'cases (text / tree / generated)',
  `${runbooks.cases} (${Object.values(runbooks.bySource).join(' / ')})`,
);
row('runbooks', 'valid / located errors', `${runbooks.valid} / ${runbooks.locatedErrors}`);
zero('runbooks', 'uncaught exceptions', runbooks.uncaught);
zero('runbooks', 'errors without file:line:col or known code', runbooks.unlocated);
zero('runbooks', 'process warnings printed on stderr', runbooks.processWarnings);
row('runbooks', 'throughput (cases/s), slowest case (ms)', `${runbooks.casesPerSecond}, ${runbooks.slowestMs}`);

log(`talosctl outputs: ${counts.outputs} inputs…`);
const outputs = fuzzTalosctlOutputs(counts.outputs, seed);
row('outputs', 'inputs / parser+classifier calls', `${outputs.inputs} / ${outputs.calls}`);
row('outputs', 'parsed ok / typed parse errors', `${outputs.parsedOk} / ${outputs.parseErrors}`);
zero('outputs', 'uncaught exceptions', outputs.uncaught);
zero('outputs', 'exceptions hidden by the neverThrow net', outputs.safetyNetHits);
zero('outputs', 'malformed ParseResults', outputs.malformed);
row('outputs', 'throughput (inputs/s), slowest call (ms)', `${outputs.inputsPerSecond}, ${outputs.slowestMs}`);

log(`what reaches talosctl: ${counts.recorded} generated runbooks through plan, dry run and run…`);
const recorded = await recordedRuns(counts.recorded, seed);
row(
  'reach',
  'generated runbooks / valid',
  `${recorded.runbooks} / ${recorded.valid}`,
  '= all',
  recorded.valid === recorded.runbooks,
);
row('reach', 'calls recorded (plan / dry run / run)', Object.values(recorded.calls).join(' / '));
zero(
  'reach',
  'non-read in plan or dry run, gated in a run without --approve, disruptive without quorum reads',
  recorded.violations,
);
for (const s of recorded.samples) log(s);

log(`crash property: ${counts.crashProperty} generated runbooks × crash points × talosctl outcomes…`);
const property = await crashProperty(counts.crashProperty, seed);
row(
  'property',
  'cases / valid runbooks',
  `${property.cases} / ${property.valid}`,
  '= all',
  property.valid === property.cases,
);
row(
  'property',
  'process runs (run + resumes) / talosctl calls (gated / disruptive)',
  `${property.processRuns} / ${property.calls} (${property.gatedCalls} / ${property.disruptiveCalls})`,
);
row(
  'property',
  'unknown outcomes met on resume / re-approvals / approvals voided by drift',
  `${property.unknownOutcomes} / ${property.reapprovals} / ${property.voided}`,
);
row(
  'property',
  'exit codes (code: runs)',
  Object.entries(property.exits)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', '),
);
zero(
  'property',
  'cases violating an invariant (gate, recheck, quorum, twice, log verify, exit code, throw)',
  property.violations,
);
row('property', 'seconds', property.seconds);
if (property.counterexample !== undefined) log(property.counterexample);

log('hostile params…');
const params = await hostileParams();
row(
  'params',
  'hostile (type, value) cases / rejected before argv',
  `${params.paramCases} / ${params.paramsRejected}`,
  '= all',
  params.paramCases === params.paramsRejected,
);
for (const [gate, n] of Object.entries(params.leakedByGate)) zero('params', `let through by ${gate}`, n);
zero('params', 'argv records written by the stand-in talosctl', params.argvRecorded);
row(
  'params',
  'talosctl-lab non-loopback calls / refused (exit 1)',
  `${params.labCases} / ${params.labRefused}`,
  '= all',
  params.labCases === params.labRefused,
);
zero('params', 'lab dirs touched by refused calls', params.labTouched);

log('hung and broken talosctl…');
const broken = await brokenTalosctl();
row(
  'talosctl',
  'cases / clear failures',
  `${broken.cases} / ${broken.clearFailures}`,
  '= all',
  broken.cases === broken.clearFailures,
);
zero('talosctl', 'orphan processes after the call', broken.orphans);
row(
  'talosctl',
  `max kill latency over timeout (ms; timeout ${broken.timeoutMs}, grace ${broken.killGraceMs})`,
  broken.maxKillLatencyMs,
  `< grace + 1000`,
  broken.maxKillLatencyMs < broken.killGraceMs + 1000,
);

log('hung and broken talosctl through talos-dr run…');
const throughRun = await brokenThroughRun();
row(
  'talosctl',
  'through `talos-dr run`: cases / documented exit code (1, or 4 for a check)',
  `${throughRun.cases} / ${throughRun.expectedExit}`,
  '= all',
  throughRun.cases === throughRun.expectedExit,
);
row(
  'talosctl',
  'through `talos-dr run`: clear failure line naming the step, no stack trace',
  throughRun.clearLine,
  '= all',
  throughRun.clearLine === throughRun.cases,
);
row(
  'talosctl',
  'through `talos-dr run`: logs that verify',
  throughRun.logsVerified,
  '= all',
  throughRun.logsVerified === throughRun.cases,
);
zero('talosctl', 'through `talos-dr run`: processes left behind', throughRun.orphans);

log('lock…');
const cycle = await lockLifecycle();
row(
  'lock',
  'second acquirer: LockHeldError, exit 5, holder named',
  String(cycle.secondAcquirerExit5),
  'true',
  cycle.secondAcquirerExit5,
);
row(
  'lock',
  'lock of a SIGKILLed holder recovered',
  String(cycle.recoveredAfterSigkill),
  'true',
  cycle.recoveredAfterSigkill,
);
const contention = [];
for (const scenario of ['free', 'stale', 'stale-with-dead-claims'] as const) {
  const c = await lockContention({ scenario, rounds: counts.lockRounds, takers: counts.lockTakers });
  contention.push(c);
  row(
    'lock',
    `${scenario}: rounds with exactly one winner (of ${c.rounds}, ${c.takers} takers)`,
    c.oneWinner,
    '= all',
    c.oneWinner === c.rounds,
  );
  zero(
    'lock',
    `${scenario}: losers naming someone else / errors / leftovers`,
    c.wrongHolderNamed + c.errors + c.leftovers,
  );
}
const crash: CrashRunbookFigures[] = [];
const CRASH_RUNBOOKS = (
  process.env.RELIABILITY_CRASH_RUNBOOKS ??
  'nospace-recovery,replace-lost-member,restore-from-snapshot,member-not-syncing'
).split(',');
if (counts.crash === 0) row('crash', 'crash at every point', 'skipped (RELIABILITY_CRASH=0)');
else {
  for (const rb of CRASH_RUNBOOKS) {
    log(`crash at every point: ${rb}…`);
    const c = await crashCampaign(rb, counts.crashPoints, log);
    crash.push(c);
    if (c.status !== 'measured') {
      row('crash', `${rb}: not measured`, c.note.split('\n')[0]?.slice(0, 100) ?? '');
      continue;
    }
    row(
      'crash',
      `${rb}: kill points (of ${c.referenceCalls} calls) / runs completed`,
      `${c.points} / ${c.runsCompleted}`,
      '= all',
      c.points === c.runsCompleted,
    );
    zero('crash', `${rb}: irreversible commands executed twice`, c.irreversibleExecutedTwice);
    zero('crash', `${rb}: irreversible commands without a recorded approval`, c.irreversibleWithoutApproval);
    row('crash', `${rb}: logs that verify`, c.logsVerified, '= all', c.logsVerified === c.points);
  }
}

const ok = rows.every((r) => r[4]);
const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 6));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
process.stdout.write(`${line(['area', 'figure', 'value', 'must'])}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n`);
for (const r of rows) process.stdout.write(`${line([r[0], r[1], r[2], r[3]])}${r[4] ? '' : '   <-- FAILED'}\n`);
const seconds = Math.round((Date.now() - started) / 1000);
process.stdout.write(`\n${ok ? 'all guarantees held' : 'SOME GUARANTEES FAILED'} (${seconds} s, seed ${seed})\n`);

mkdirSync('reliability', { recursive: true });
writeFileSync(
  'reliability/results.json',
  `${JSON.stringify(
    {
      ok,
      seed,
      counts,
      seconds,
      machine: { platform: platform(), arch: arch(), cpus: cpus().length, node: process.version },
      runbooks,
      outputs,
      params,
      recorded,
      crashProperty: property,
      broken,
      brokenThroughRun: throughRun,
      lock: { lifecycle: cycle, contention },
      crashAtEveryPoint: crash,
      table: rows.map(([area, figure, value, must, pass]) => ({ area, figure, value, must, pass })),
    },
    null,
    2,
  )}\n`,
);
process.exitCode = ok ? 0 : 1;
