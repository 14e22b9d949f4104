// Figure 5: how long after a waited-for fact becomes true the engine moves on, against its poll interval.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Figure, figure, log, median, mustRun, STAND_IN, TALOS_DR, timeProcess } from './lib.js';

const INTERVAL_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A runbook that waits (poll every INTERVAL_MS) until no alarm is raised, then ends. */
function waitRunbook(): string {
  return [
    'apiVersion: talos-dr/v1',
    'kind: Runbook',
    'metadata: { name: bench-wait, title: Benchmark a wait }',
    'params:',
    '  nodes: { type: nodes, description: the node }',
    'steps:',
    '  - id: cleared',
    '    wait:',
    '      check: no-alarms',
    '      with: { nodes: { ref: params.nodes } }',
    '      timeout: 1m',
    `      interval: ${INTERVAL_MS}ms`,
    '  - id: done',
    '    end: { outcome: success, message: done }',
    '',
  ].join('\n');
}

interface Rec {
  type: string;
  time: string;
  payload: { step?: string; verdict?: string };
}
const records = (path: string): Rec[] =>
  existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .filter((l) => l.endsWith('}'))
        .map((l) => JSON.parse(l) as Rec)
    : [];

/**
 * One run: start the engine, wait until its first poll has failed, then after a random phase
 * create the flag (the alarm clears). An independent poller runs the stand-in back to back and
 * notes when it first sees no alarm; the latency is from then to the engine's passing check.
 */
async function once(dir: string, i: number): Promise<number> {
  const flag = join(dir, `flag-${i}`);
  const logPath = join(dir, `wait-${i}.jsonl`);
  const env = { BENCH_FLAG: flag };
  const engine = mustRun(
    [TALOS_DR, 'run', join(dir, 'wait.yaml'), '--talosctl', STAND_IN, '--param', 'nodes=127.0.0.11', '--log', logPath],
    { env, cwd: dir },
  );
  while (!records(logPath).some((r) => r.type === 'check' && r.payload.verdict === 'fail')) await sleep(5);
  await sleep(Math.random() * INTERVAL_MS);
  let seenAt: number | undefined;
  const poller = (async () => {
    while (seenAt === undefined) {
      const r = await timeProcess([STAND_IN, '--nodes', '127.0.0.11', 'etcd', 'alarm', 'list'], { env });
      if (!r.stdout.includes('NOSPACE')) seenAt = Date.now();
    }
  })();
  writeFileSync(flag, '');
  await poller;
  await engine;
  const pass = records(logPath).find((r) => r.type === 'check' && r.payload.verdict === 'pass');
  if (pass === undefined || seenAt === undefined) throw new Error('the wait never passed');
  return Math.max(0, Date.parse(pass.time) - seenAt);
}

export async function benchDetect(runs: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'talos-dr-bench-'));
  try {
    writeFileSync(join(dir, 'wait.yaml'), waitRunbook());
    log(`detection latency: ${runs} runs, poll interval ${INTERVAL_MS} ms, random phase`);
    const lat: number[] = [];
    for (let i = 0; i < runs; i++) lat.push(await once(dir, i));
    const worst = Math.max(...lat);
    return [
      figure(
        'wait detection latency (worst)',
        worst / INTERVAL_MS,
        '× poll interval',
        '<= 1',
        `worst ${worst.toFixed(0)} ms, median ${median(lat).toFixed(0)} ms over ${runs} runs; interval ${INTERVAL_MS} ms`,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
