import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { AnyRecord } from '../../src/audit/log-format.js';
import { readJournal } from '../../src/audit/read.js';
import { lintRunbook } from '../../src/compile/lint.js';
import { actOutManual } from '../../src/drill/act-out-manual.js';
import { prepareDrill } from '../../src/drill/prepare-drill.js';
import { RUNBOOK_DRILLS } from '../../src/drill/runbook-drills.js';
import { gateIds } from '../../src/engine/session.js';
import { labDown, labUp } from '../../src/lab/lab.js';
import { allSteps } from '../../src/runbook/model.js';
import { classify } from '../../src/talos/commands.js';

const effectOf = (argv: readonly string[]) => {
  const c = classify(argv);
  return c.ok ? c.value : { effect: 'refused' as const, known: false };
};

/**
 * Crash at every point (issue #8): the runbook on a fresh lab with the fault it exists for, a
 * stand-in talosctl (talosctl-lab-crash.mjs: the name makes the lock key the lab dir) that SIGKILLs talos-dr at its k-th call, before the
 * command (a step boundary: intent journaled, nothing ran) or after it ran and before the result
 * is recorded (mid-step); then `talos-dr resume --approve <gates>` until the run ends. Counted
 * from what the shim really EXECUTED, not from the log: irreversible commands run twice, and
 * irreversible commands without an approval record before their intent.
 */

const root = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(root, 'bin/talos-dr');
const WRAPPER = join(root, 'scripts/reliability/talosctl-lab-crash.mjs');
const SHIM = join(root, 'bin/talosctl-lab');

export interface Executed {
  i: number;
  argv: string[];
  exit: number | null;
}

export interface KillPoint {
  /** the wrapper's call number to kill at (0: use `match`) */
  k: number;
  when: 'before' | 'after';
  /** kill at the first call whose argv contains these words (stable when call numbers are not) */
  match?: string;
}

export interface TrialResult {
  /** kept when the trial broke a guarantee (its log and executed.jsonl), else null */
  workDir: string | null;
  runbook: string;
  point: KillPoint | null;
  killedAt: string | null;
  sessions: number;
  finalExit: number;
  completed: boolean;
  irreversibleTwice: number;
  irreversibleWithoutApproval: number;
  logVerifies: boolean;
  calls: { i: number; argv: string[]; effect: string }[];
  detail: string;
}

/** The talosctl words after the global flags (-n/--nodes/--talosconfig/… and their values). */
export function commandWords(argv: readonly string[]): string[] {
  let j = 0;
  while (j < argv.length && (argv[j] ?? '').startsWith('-')) j += (argv[j] ?? '').includes('=') ? 1 : 2;
  return argv.slice(j);
}

const readLines = <T>(f: string): T[] =>
  existsSync(f)
    ? readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as T)
    : [];

/** Irreversible executions without an `approval` (approved) record before their intent. */
function unapproved(records: readonly AnyRecord[], executed: readonly Executed[]): number {
  let bad = 0;
  for (const e of executed) {
    if (effectOf(commandWords(e.argv)).effect !== 'irreversible') continue;
    const words = commandWords(e.argv).join(' ');
    let approvedSeen = false;
    let ok = false;
    for (const r of records) {
      if (r.type === 'approval' && r.payload.approved) approvedSeen = true;
      if (r.type === 'command-intent' && r.payload.argv.join(' ') === words && approvedSeen) ok = true;
    }
    if (!ok) bad++;
  }
  return bad;
}

/** One trial: fresh lab + fault, run with a kill point (or none), resume until it ends. */
export async function crashTrial(runbook: string, point: KillPoint | null, maxSessions = 10): Promise<TrialResult> {
  const work = mkdtempSync(join(tmpdir(), `talos-dr-crash-${runbook}-`));
  const dir = join(work, 'lab');
  const crashDir = join(work, 'crash');
  mkdirSync(crashDir, { recursive: true });
  const log = join(work, `${runbook}.jsonl`);
  if (!RUNBOOK_DRILLS[runbook]) throw new Error(`no drill setup for ${runbook}`);
  const lint = lintRunbook(readFileSync(join(root, 'runbooks', `${runbook}.yaml`), 'utf8'), `${runbook}.yaml`);
  if (!lint.ok) throw new Error(`${runbook} does not lint`);
  // manual steps are approved only once acted out on the lab (--approve of a manual step says "done")
  const manualIds = new Set(
    allSteps(lint.runbook.steps)
      .filter((st) => st.kind === 'manual')
      .map((st) => st.id),
  );
  const approve = gateIds(lint.runbook)
    .filter((g) => !manualIds.has(g))
    .flatMap((g) => ['--approve', g]);
  const up = await labUp({ dir, members: 3, quotaBytes: 33554432, seedKeys: 100 });
  // a trial that breaks a guarantee keeps its log and the shim's record (work dir) for diagnosis
  let keep = false;
  try {
    const s = await prepareDrill(runbook, { dir, lab: up.lab, work });
    const nodes = up.lab.nodes.map((n) => n.ip).join(',');
    const env = (killAt: number): Record<string, string> => ({
      NO_COLOR: '1',
      TALOS_DR_LAB_DIR: dir,
      CRASH_DIR: crashDir,
      CRASH_SHIM: SHIM,
      CRASH_KILL_AT: String(killAt),
      CRASH_KILL_WHEN: point?.when ?? 'before',
      CRASH_KILL_MATCH: killAt === 0 ? '' : (point?.match ?? ''),
    });
    const params = [`nodes=${nodes}`, ...s.params].flatMap((p) => ['--param', p]);
    const runArgv = ['run', runbook, ...params, '--talosctl', WRAPPER, '--log', log, ...approve];
    // -1 arms a `match` point (no call number); 0 disarms
    const armed = point === null ? 0 : point.match !== undefined ? -1 : point.k;
    const first = await execa(BIN, runArgv, {
      reject: false,
      cwd: work,
      env: env(armed),
      stdin: 'ignore',
      timeout: 240_000,
    });
    let sessions = 1;
    let last = first.exitCode ?? (first.signal === 'SIGKILL' ? 137 : -1);
    let out = `${String(first.stdout)}\n${String(first.stderr)}`;
    const manualStop = (): string | undefined =>
      last === 3 ? /stopped at manual step (\S+):/.exec(out)?.[1] : undefined;
    while ((last === 137 || manualStop() !== undefined) && sessions < maxSessions) {
      // a manual step stops a run without a terminal: act it out on the lab as the drill does
      const manual = manualStop();
      if (manual !== undefined) {
        await actOutManual(dir, manual);
        approve.push('--approve', manual);
      }
      // killed before the log existed: nothing ran, so the operator runs it again
      const again = existsSync(log) ? ['resume', log, '--talosctl', WRAPPER, ...approve] : runArgv;
      const r = await execa(BIN, again, {
        reject: false,
        cwd: work,
        // the kill point may lie after a manual stop: armed until the kill has happened
        env: env(existsSync(join(crashDir, 'kills.jsonl')) ? 0 : armed),
        stdin: 'ignore',
        timeout: 240_000,
      });
      sessions++;
      last = r.exitCode ?? (r.signal === 'SIGKILL' ? 137 : -1);
      out = `${String(r.stdout)}\n${String(r.stderr)}`;
    }
    const executed = readLines<Executed>(join(crashDir, 'executed.jsonl'));
    const kills = readLines<{ i: number; when: string; argv: string[] }>(join(crashDir, 'kills.jsonl'));
    const counts = new Map<string, number>();
    let twice = 0;
    for (const e of executed) {
      const w = commandWords(e.argv);
      if (effectOf(w).effect !== 'irreversible') continue;
      const key = e.argv.join(' ');
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      if (n > 1) twice++;
    }
    const records = existsSync(log) ? readJournal(log).records : [];
    const verify = await execa(BIN, ['log', 'verify', log], { reject: false, stdin: 'ignore' });
    keep = last !== 0 || twice > 0;
    return {
      workDir: keep ? work : null,
      runbook,
      point,
      killedAt: kills[0] ? `${kills[0].when} #${kills[0].i}: ${commandWords(kills[0].argv).join(' ')}` : null,
      sessions,
      finalExit: last,
      completed: last === 0,
      irreversibleTwice: twice,
      irreversibleWithoutApproval: unapproved(records, executed),
      logVerifies: verify.exitCode === 0,
      calls: executed.map((e) => ({ i: e.i, argv: e.argv, effect: effectOf(commandWords(e.argv)).effect })),
      detail: last === 0 ? '' : out.slice(-1500),
    };
  } finally {
    await labDown(dir);
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The kill points of a runbook from a clean reference run's calls: before every call (a step
 * boundary or an intent with nothing run) and after every mutating/irreversible one (mid-step),
 * thinned to at most `max` evenly spread, always keeping every irreversible one.
 */
export function killPoints(calls: TrialResult['calls'], max: number): KillPoint[] {
  const all: KillPoint[] = [];
  const must: KillPoint[] = [];
  for (const c of calls) {
    const before: KillPoint = { k: c.i, when: 'before' };
    all.push(before);
    if (c.effect === 'irreversible') must.push(before);
    if (c.effect !== 'read') {
      const after: KillPoint = { k: c.i, when: 'after' };
      all.push(after);
      must.push(after);
    }
  }
  if (all.length <= max) return all;
  const rest = all.filter((p) => !must.includes(p));
  const room = Math.max(0, max - must.length);
  const picked = rest.filter(
    (_, j) => Math.floor((j * room) / rest.length) !== Math.floor(((j - 1) * room) / rest.length),
  );
  return [...must, ...picked].sort((a, b) => a.k - b.k || (a.when === 'before' ? -1 : 1));
}

export interface CrashRunbookFigures {
  runbook: string;
  status: 'measured' | 'not-measured';
  note: string;
  referenceCalls: number;
  points: number;
  runsCompleted: number;
  irreversibleExecutedTwice: number;
  irreversibleWithoutApproval: number;
  logsVerified: number;
  failures: { point: KillPoint; killedAt: string | null; finalExit: number; workDir: string | null; detail: string }[];
}

/**
 * The campaign for one runbook: a clean reference run (its calls give the kill points), then one
 * trial per point (at most `maxPoints`). A reference run that does not end in success is
 * reported as not measured, with its output, rather than crashed blindly.
 */
export async function crashCampaign(
  runbook: string,
  maxPoints: number,
  say: (s: string) => void,
): Promise<CrashRunbookFigures> {
  const fig: CrashRunbookFigures = {
    runbook,
    status: 'not-measured',
    note: '',
    referenceCalls: 0,
    points: 0,
    runsCompleted: 0,
    irreversibleExecutedTwice: 0,
    irreversibleWithoutApproval: 0,
    logsVerified: 0,
    failures: [],
  };
  const ref = await crashTrial(runbook, null);
  fig.referenceCalls = ref.calls.length;
  if (!ref.completed)
    return { ...fig, note: `the clean reference run ended ${ref.finalExit}: ${ref.detail.slice(-400)}` };
  const points = killPoints(ref.calls, maxPoints);
  fig.status = 'measured';
  fig.points = points.length;
  for (const p of points) {
    const r = await crashTrial(runbook, p);
    say(
      `  ${runbook} ${p.when} #${p.k}: ${r.completed ? 'completed' : `exit ${r.finalExit}`} (${r.killedAt ?? 'no kill'})`,
    );
    if (r.completed) fig.runsCompleted++;
    if (!r.completed || r.irreversibleTwice > 0 || r.irreversibleWithoutApproval > 0 || !r.logVerifies) {
      const detail = r.detail.slice(-600);
      fig.failures.push({ point: p, killedAt: r.killedAt, finalExit: r.finalExit, workDir: r.workDir, detail });
    }
    fig.irreversibleExecutedTwice += r.irreversibleTwice;
    fig.irreversibleWithoutApproval += r.irreversibleWithoutApproval;
    if (r.logVerifies) fig.logsVerified++;
  }
  return fig;
}
