// Figures 4 and 7, on the lab of real etcd members: time to recover from NOSPACE (the engine's
// runbook vs the guide's commands in a shell script, vs the guide as written with its sleeps), and
// the engine's peak memory (during `talos-dr drill`, and during the run). Only one lab per machine:
// run under a lock (scripts/bench.ts wraps this part in `flock $BENCH_LAB_LOCK` when set).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type Figure, figure, log, median, mustRun, ROOT, TALOS_DR, TALOSCTL_LAB, type Timed } from './lib.js';
import { callsOf, replayScript, waves } from './replay-calls.js';

// BENCH_LAB_FIRST_ADDRESS moves the lab off the default range, so the bench can run beside a lab test.
const FIRST = process.env.BENCH_LAB_FIRST_ADDRESS ?? '127.0.0.11';
const FIRST_OCTET = Number(FIRST.split('.')[3]);
const NODES = [0, 1, 2].map((i) => `127.0.0.${FIRST_OCTET + i}`);
const GUIDE_SLEEPS_S = 120; // the guide's `sleep 60` between the three members' defrags
const COMPACTION_WAIT_MS = 6000;
/**
 * BENCH_BASELINE=<another built checkout of talos-dr>: its recovery and its drill run interleaved
 * with this build's on the same lab, so "no figure worse than before" is a ratio measured side by
 * side, not a comparison with a number taken on another day under another load.
 */
const BASELINE = process.env.BENCH_BASELINE;

/** Every confirm step's id, nested ones included: approved by flag, as an unattended run must. */
export function gateIds(yamlText: string): string[] {
  const ids: string[] = [];
  const walk = (steps: unknown): void => {
    if (!Array.isArray(steps)) return;
    for (const s of steps as Array<Record<string, unknown>>) {
      if (s.confirm !== undefined && typeof s.id === 'string') ids.push(s.id);
      walk(s.steps);
    }
  };
  walk((parse(yamlText) as { steps?: unknown }).steps);
  return ids;
}

/** The guide's NOSPACE procedure without its sleeps: defrag each member, disarm, status. */
function guideScript(): string {
  const t = TALOSCTL_LAB;
  return [
    '#!/bin/sh',
    'set -e',
    ...NODES.map((n) => `${t} --nodes ${n} etcd defrag`),
    `${t} --nodes ${NODES[0]} etcd alarm disarm`,
    `${t} --nodes ${NODES[0]} etcd status`,
    '',
  ].join('\n');
}

const alarmsLeft = async (env: Record<string, string>): Promise<boolean> => {
  const r = await mustRun([TALOSCTL_LAB, '--nodes', NODES.join(','), 'etcd', 'alarm', 'list'], { env });
  return r.stdout.includes('NOSPACE');
};

export async function benchLab(rounds: number): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'talos-dr-bench-lab-'));
  const dir = join(work, 'lab');
  const env = { TALOS_DR_LAB_DIR: dir };
  const script = join(work, 'guide.sh');
  writeFileSync(script, guideScript(), { mode: 0o755 });
  const engine: number[] = [];
  const bash: number[] = [];
  const baseline: number[] = [];
  /** the same round's engine calls, replayed by sh in their order and parallelism */
  const replay: number[] = [];
  let replayShape = '';
  let runPeakKiB = 0;
  let bashLeft = 0;
  try {
    log(`lab: up in ${dir}`);
    await mustRun([TALOS_DR, 'lab', 'up', '--dir', dir, '--first-address', FIRST], { env });
    for (let r = 0; r < rounds; r++) {
      const variants = BASELINE === undefined ? ['engine', 'bash'] : ['engine', 'bash', 'baseline'];
      const order = r % 2 === 0 ? variants : [...variants].reverse();
      for (const which of order) {
        await mustRun([TALOS_DR, 'lab', 'inject', 'nospace', '--dir', dir], { env });
        if (!(await alarmsLeft(env))) throw new Error('lab inject nospace raised no alarm');
        // untimed: let the supervisor's periodic compaction (every 5 s, paused while the fault
        // fills the quota) run once, so both variants start from the same state, as on a cluster
        // whose kube-apiserver compacts; without it defrag frees too little and the runbook stops.
        await new Promise((r) => setTimeout(r, COMPACTION_WAIT_MS));
        let t: Timed;
        if (which === 'engine') {
          const runLog = join(work, `run-${r}.jsonl`);
          t = await recoveryRun(ROOT, runLog, work, env);
          engine.push(t.ms);
          runPeakKiB = Math.max(runPeakKiB, t.peakKiB);
          if (await alarmsLeft(env)) throw new Error('the engine ended with success but NOSPACE is still raised');
          // the fair baseline: this run's own calls, replayed on a fresh fault of the same kind
          const ws = waves(callsOf(readFileSync(runLog, 'utf8')));
          replayShape = `${ws.flat().length} calls in ${ws.length} waves`;
          const replayFile = join(work, `replay-${r}.sh`);
          writeFileSync(replayFile, replayScript(TALOSCTL_LAB, ws), { mode: 0o755 });
          await mustRun([TALOS_DR, 'lab', 'inject', 'nospace', '--dir', dir], { env });
          await new Promise((res) => setTimeout(res, COMPACTION_WAIT_MS));
          const rt = await mustRun([replayFile], { env });
          replay.push(rt.ms);
          if (await alarmsLeft(env)) await mustRun([script], { env }); // untimed: clear it for the next fault
          log(`lab: round ${r + 1} replay of the engine's calls ${(rt.ms / 1000).toFixed(1)} s (${replayShape})`);
        } else if (which === 'baseline' && BASELINE !== undefined) {
          t = await recoveryRun(`${BASELINE}/`, join(work, `baseline-${r}.jsonl`), work, env);
          baseline.push(t.ms);
          if (await alarmsLeft(env)) throw new Error('the baseline ended with success but NOSPACE is still raised');
        } else {
          t = await mustRun([script], { env });
          bash.push(t.ms);
          // the guide's order can disarm before etcd has freed the space: the alarm then comes back
          if (await alarmsLeft(env)) {
            bashLeft++;
            await mustRun([script], { env }); // untimed: clear it before the next fault
          }
        }
        log(`lab: round ${r + 1} ${which} ${(t.ms / 1000).toFixed(1)} s`);
      }
    }
  } finally {
    await mustRun([TALOS_DR, 'lab', 'down', '--dir', dir], { env }).catch((e: unknown) => log(`lab down: ${e}`));
  }
  log('lab: talos-dr drill nospace-recovery --approve-all (its own lab)');
  const drill = await mustRun(
    [TALOS_DR, 'drill', 'nospace-recovery', '--approve-all', '--json', '--first-address', FIRST],
    {
      cwd: work,
      samplePeakMs: 20,
    },
  );
  const baselineDrill = BASELINE === undefined ? undefined : await drillPeak(`${BASELINE}/`, work);
  rmSync(work, { recursive: true, force: true });
  const e = median(engine);
  const b = median(bash);
  const guide = b + GUIDE_SLEEPS_S * 1000;
  const bashNote = bashLeft > 0 ? `; the script left NOSPACE raised in ${bashLeft} of ${bash.length} runs` : '';
  const rp = median(replay);
  return [
    figure(
      "time to recover NOSPACE vs replaying the engine's own talosctl calls in sh",
      e / rp,
      '× sh replay',
      '<= 1.2',
      `talos-dr run ${(e / 1000).toFixed(1)} s vs sh ${(rp / 1000).toFixed(1)} s replaying the same run's calls from its log (${replayShape}, same order and parallelism; medians of ${rounds}): the engine's own cost`,
    ),
    figure(
      'time to recover NOSPACE vs the same commands in sh',
      e / b,
      '× sh',
      '<= 1.3',
      `talos-dr run ${(e / 1000).toFixed(1)} s vs sh ${(b / 1000).toFixed(1)} s (medians of ${rounds}, fresh fault each, checks and start-up included${bashNote})`,
    ),
    figure(
      'speed-up vs the guide as written',
      guide / e,
      '× faster',
      '>= 10',
      `guide = sh ${(b / 1000).toFixed(1)} s + ${GUIDE_SLEEPS_S} s of its sleep 60s (computed, not slept) vs talos-dr ${(e / 1000).toFixed(1)} s`,
    ),
    figure(
      'peak memory of talos-dr drill',
      drill.peakKiB / 1024,
      'MB',
      '<= 120',
      `VmHWM of the talos-dr process (children excluded), sampled every 20 ms; talos-dr run of the recovery: ${(runPeakKiB / 1024).toFixed(0)} MB`,
    ),
    ...baselineFigures(e, baseline, drill.peakKiB, baselineDrill, rounds),
  ];
}

/** The NOSPACE recovery with the talos-dr and runbook of `root`, every gate approved by flag. */
function recoveryRun(root: string, runLog: string, work: string, env: Record<string, string>): Promise<Timed> {
  const runbook = `${root}runbooks/nospace-recovery.yaml`;
  const approve = gateIds(readFileSync(runbook, 'utf8')).flatMap((id) => ['--approve', id]);
  const argv = [`${root}bin/talos-dr`, 'run', runbook, '--talosctl', TALOSCTL_LAB];
  return mustRun([...argv, '--param', `nodes=${NODES.join(',')}`, '--log', runLog, ...approve], {
    env,
    cwd: work,
    samplePeakMs: 20,
  });
}

/** The baseline's drill, on this lab range when it knows --first-address (older builds: 127.0.0.11 only). */
async function drillPeak(root: string, work: string): Promise<number | undefined> {
  const argv = [`${root}bin/talos-dr`, 'drill', 'nospace-recovery', '--approve-all', '--json'];
  const help = await mustRun([`${root}bin/talos-dr`, 'drill', '--help'], {});
  if (help.stdout.includes('--first-address')) argv.push('--first-address', FIRST);
  else if (FIRST !== '127.0.0.11') {
    log(`lab: the baseline's drill has no --first-address; its memory is not measured off 127.0.0.11`);
    return undefined;
  }
  log(`lab: the baseline's drill (${root})`);
  return (await mustRun(argv, { cwd: work, samplePeakMs: 20 })).peakKiB;
}

function baselineFigures(
  e: number,
  baseline: readonly number[],
  drillKiB: number,
  baselineDrillKiB: number | undefined,
  rounds: number,
): Figure[] {
  if (BASELINE === undefined) return [];
  const b = median(baseline);
  const out = [
    figure(
      'time to recover NOSPACE vs the baseline build',
      e / b,
      '× baseline',
      '<= 1.10',
      `talos-dr run ${(e / 1000).toFixed(1)} s vs ${BASELINE} ${(b / 1000).toFixed(1)} s, each with its own runbook (medians of ${rounds}, interleaved on one lab)`,
    ),
  ];
  if (baselineDrillKiB !== undefined)
    out.push(
      figure(
        'peak memory of talos-dr drill vs the baseline build',
        drillKiB / baselineDrillKiB,
        '× baseline',
        '<= 1.05',
        `${(drillKiB / 1024).toFixed(0)} MB vs ${(baselineDrillKiB / 1024).toFixed(0)} MB (VmHWM, one drill each)`,
      ),
    );
  return out;
}
