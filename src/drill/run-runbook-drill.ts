import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AnyRecord } from '../audit/log-format.js';
import { readJournal } from '../audit/read.js';
import type { Signer } from '../audit/sign.js';
import { paramsFromBackups } from '../backup/snapshot-from-backup.js';
import { openRunbookArg } from '../compile/open-runbook.js';
import { parseParams } from '../engine/params.js';
import type { Prompter } from '../engine/prompter.js';
import { gateIds, runSession } from '../engine/session.js';
import type { CliContext } from '../io/context.js';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import type { Checksum } from '../lab/cluster.js';
import { labChecksum, labDown, labTalosctl, labUp } from '../lab/lab.js';
import type { LabTalosVersion } from '../lab/talos-versions.js';
import { actAtStep } from './act-at-step.js';
import { actOutManual } from './act-out-manual.js';
import { labIndependentChecks } from './lab-grade.js';
import { prepareDrill } from './prepare-drill.js';
import { DRILL_SCENARIOS, RUNBOOK_DRILLS, runbookOf } from './runbook-drills.js';

/**
 * `talos-dr drill <scenario>`: a lab up in a fresh dir, the fault the runbook exists for, the
 * runbook through the real executor (lab shim as talosctl), then a grade: recovered (the run's
 * outcome AND independent checks straight from etcd), data intact (checksum before the fault, or
 * the snapshot's for a restore), time to recover, and who answered each gate and how.
 */

export interface DrillOptions {
  scenario: string;
  approveAll: boolean;
  members: number;
  keepLab: boolean;
  dir?: string;
  /** the lab's first member address (default 127.0.0.11) */
  firstAddress?: string;
  log?: string;
  /** signs the drill's log (drill --sign-key) */
  signer?: Signer;
  /** tests / TTY: how gates are answered when not --approve-all */
  prompter?: Prompter;
  /** the Talos version the lab answers as (default 1.14) */
  talosVersion?: LabTalosVersion;
  /** 1.14: etcd on a dedicated ETCD volume */
  dedicatedEtcd?: boolean;
}

export interface GateAnswerRow {
  step: string;
  approved: boolean;
  who: string;
  how: string;
}

export interface DrillReport {
  scenario: string;
  runbook: string;
  labDir: string;
  log: string;
  fault: string;
  run: { outcome: string; exitCode: number; stepId: string | null; message: string | null };
  recovered: boolean;
  checks: { name: string; ok: boolean; detail: string }[];
  data: { before: Checksum; expected: Checksum; after: Checksum | null; intact: boolean; note: string };
  timeToRecoverMs: number;
  gates: GateAnswerRow[];
  labKept: boolean;
  exitCode: number;
}

export async function runDrill(o: DrillOptions, ctx: CliContext): Promise<DrillReport> {
  if (!RUNBOOK_DRILLS[o.scenario]) {
    throw makeError('TDR_BAD_PARAM', {
      flag: '<runbook>',
      value: o.scenario,
      reason: `drills exist for: ${DRILL_SCENARIOS.join(', ')}`,
    });
  }
  const runbookName = runbookOf(o.scenario);
  // read once: the log hashes exactly the text the drill compiles and runs
  const lint = openRunbookArg(runbookName, ctx);
  if (lint === undefined) throw makeError('TDR_USAGE', { detail: `runbook ${runbookName} does not lint` });
  const work = mkdtempSync(join(tmpdir(), `talos-dr-drill-${o.scenario}-`));
  const dir = o.dir ? resolve(ctx.cwd, o.dir) : join(work, 'lab');
  const log = o.log ? resolve(ctx.cwd, o.log) : join(work, `${runbookName}.jsonl`);
  const say = (t: string): void => void ctx.stdout.write(`${t}\n`);
  say(`drill ${o.scenario}: lab up in ${dir}`);
  const up = await labUp({
    dir,
    members: o.members,
    quotaBytes: 33554432,
    seedKeys: 100,
    ...(o.firstAddress ? { firstAddress: o.firstAddress } : {}),
    ...(o.talosVersion ? { talosVersion: o.talosVersion } : {}),
    dedicatedEtcd: o.dedicatedEtcd === true,
  });
  // what the faults left running (a write load) ends whatever happens to the run
  let stopSetup = async (): Promise<void> => undefined;
  try {
    const lab = up.lab;
    const before = await labChecksum(dir);
    const s = await prepareDrill(o.scenario, { dir, lab, work });
    stopSetup = s.stop;
    say(`fault: ${s.fault}`);
    const nodes = lab.nodes.map((n) => n.ip).join(',');
    const parsed = parseParams(lint.runbook.params, [`nodes=${nodes}`, ...s.params]);
    // a backup:latest snapshot is fetched and checked from the drill's backup target before the run
    const { params, sources } = await paramsFromBackups(lint.runbook, parsed, {
      ...(s.backupTarget ? { backupTarget: s.backupTarget } : {}),
      dryRun: false,
      log,
      env: ctx.env,
      cwd: work,
    });
    const env = { ...ctx.env, TALOS_DR_LAB_DIR: dir };
    // the adapter passes the process environment to talosctl: the shim finds the lab through it
    process.env.TALOS_DR_LAB_DIR = dir;
    const t0 = Date.now();
    // the act runs when the session starts its step, told in process (not by reading the log)
    const during = s.duringRun ? actAtStep(s.duringRun.atStep, s.duringRun.act) : undefined;
    const r = await runSession({
      ctx: { ...ctx, env, cwd: work },
      runbookPath: lint.path,
      runbookText: lint.text,
      runbook: lint.runbook,
      compiled: lint.compiled,
      params,
      approve: o.approveAll ? gateIds(lint.runbook) : [],
      operator: undefined,
      target: { talosctl: labTalosctl(dir), talosconfig: undefined, context: undefined, endpoints: [] },
      dryRun: false,
      ...(Object.keys(sources).length > 0 ? { paramSources: sources } : {}),
      logPath: log,
      manual: (stepId) => actOutManual(dir, stepId),
      ...(during ? { onEvent: during.onEvent } : {}),
      ...(o.prompter ? { prompter: o.prompter } : {}),
      ...(o.signer ? { signer: o.signer } : {}),
    });
    const timeToRecoverMs = Date.now() - t0;
    const acted = await during?.settled();
    await stopSetup();
    const checks = await labIndependentChecks(dir, lab);
    let after: Checksum | null = null;
    try {
      after = await labChecksum(dir);
    } catch {
      after = null;
    }
    const expected = s.expected ?? before;
    const intact = after !== null && after.keys === expected.keys && after.sha256 === expected.sha256;
    const recovered = r.outcome === 'success' && checks.every((c) => c.ok);
    const gates = gateAnswers(log);
    const exitCode = r.exitCode === ExitCode.gate ? ExitCode.gate : recovered && intact ? ExitCode.ok : ExitCode.failed;
    return {
      scenario: o.scenario,
      runbook: runbookName,
      labDir: dir,
      log,
      fault: acted ? `${s.fault}; at step ${s.duringRun?.atStep}: ${acted}` : s.fault,
      run: { outcome: r.outcome, exitCode: r.exitCode, stepId: r.stepId ?? null, message: r.message ?? null },
      recovered,
      checks,
      data: { before, expected, after, intact, note: s.expectedNote ?? 'the data set before the fault' },
      timeToRecoverMs,
      gates,
      labKept: o.keepLab,
      exitCode,
    };
  } finally {
    await stopSetup();
    if (!o.keepLab) await labDown(dir);
  }
}

/** Every gate answer of the run, from its log: who, and how (typed at the terminal, or by flag). */
function gateAnswers(log: string): GateAnswerRow[] {
  // read, not resume: a signed log is only resumed with its key, but anyone may read it
  let records: readonly AnyRecord[] = [];
  try {
    records = readJournal(log).records;
  } catch {
    return [];
  }
  const rows: GateAnswerRow[] = [];
  for (const rec of records) {
    if (rec.type === 'approval') {
      rows.push({ step: rec.payload.step, approved: rec.payload.approved, who: rec.payload.who, how: rec.payload.how });
    } else if (rec.type === 'deviation' && rec.payload.kind === 'drill-operator') {
      rows.push({
        step: rec.payload.step ?? '?',
        approved: true,
        who: rec.payload.detail.split(':')[0] ?? '',
        how: 'drill (manual step acted out on the lab)',
      });
    }
  }
  return rows;
}
