// Figure 1: the engine's overhead over a shell script calling the same stand-in talosctl, and the
// adapter's parallel fan-out of a 3-node read against a sequential shell loop.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTalosctl } from '../src/talos/talosctl.js';
import { type Figure, figure, interleave, log, median, mustRun, STAND_IN, TALOS_DR } from './lib.js';

const READS = [
  ['etcd', 'status'],
  ['etcd', 'alarm', 'list'],
  ['etcd', 'members'],
] as const;
const NODE = '127.0.0.11';
const FAN_NODES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];

/** A runbook of `steps` read-only talosctl steps (status, alarm list, members in turn) on one node. */
export function readsRunbook(steps: number): string {
  const body: string[] = [];
  for (let i = 0; i < steps; i++) {
    const argv = READS[i % READS.length] ?? READS[0];
    body.push(`  - id: s${i}\n    talosctl: [${argv.join(', ')}]\n    node: ${NODE}`);
  }
  return [
    'apiVersion: talos-dr/v1',
    'kind: Runbook',
    'metadata: { name: bench-reads, title: Benchmark read steps }',
    'params:',
    '  nodes: { type: nodes, description: unused }',
    'steps:',
    ...body,
    '  - id: done',
    '    end: { outcome: success, message: done }',
    '',
  ].join('\n');
}

/** The same calls as a plain shell script: each output captured, as the engine does. */
export function readsScript(steps: number): string {
  const lines = ['#!/bin/sh', 'set -e', `T=${STAND_IN}`];
  for (let i = 0; i < steps; i++) {
    const argv = READS[i % READS.length] ?? READS[0];
    lines.push(`out=$("$T" --nodes ${NODE} ${argv.join(' ')})`);
  }
  return `${lines.join('\n')}\n`;
}

export async function benchOverhead(opts: { steps: number; rounds: number }): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'talos-dr-bench-'));
  try {
    const runbook = join(dir, 'reads.yaml');
    const script = join(dir, 'reads.sh');
    writeFileSync(runbook, readsRunbook(opts.steps));
    writeFileSync(script, readsScript(opts.steps), { mode: 0o755 });
    log(`engine overhead: ${opts.steps} read steps, ${opts.rounds} interleaved rounds`);
    const t = await interleave(
      {
        engine: async () => {
          const r = await mustRun([TALOS_DR, 'run', runbook, '--talosctl', STAND_IN, '--param', `nodes=${NODE}`], {
            cwd: dir,
          });
          rmSync(join(dir, 'talos-dr-logs'), { recursive: true, force: true });
          return r.ms;
        },
        bash: async () => (await mustRun([script])).ms,
      },
      opts.rounds,
    );
    const ratio = median(t.engine) / median(t.bash);
    const fan = await benchFanOut(dir, opts.rounds * 4);
    return [
      figure(
        'engine overhead (200 read steps)',
        ratio,
        '× bash',
        '<= 1.10',
        `talos-dr run ${median(t.engine).toFixed(0)} ms vs sh ${median(t.bash).toFixed(0)} ms (medians of ${t.engine.length}, start-up included)`,
      ),
      fan,
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A status read of 3 nodes through the adapter's runEach vs a shell loop calling them one by one. */
async function benchFanOut(dir: string, rounds: number): Promise<Figure> {
  const talosctl = createTalosctl({ binary: STAND_IN });
  const loop = join(dir, 'fan.sh');
  writeFileSync(
    loop,
    `#!/bin/sh\nfor n in ${FAN_NODES.join(' ')}; do out=$("${STAND_IN}" --nodes $n etcd status); done\n`,
    {
      mode: 0o755,
    },
  );
  const t = await interleave(
    {
      runEach: async () => {
        const t0 = performance.now();
        const rs = await talosctl.runEach(FAN_NODES, ['etcd', 'status']);
        if (rs.some((r) => r.exitCode !== 0)) throw new Error('stand-in failed');
        return performance.now() - t0;
      },
      sequential: async () => (await mustRun([loop])).ms,
    },
    rounds,
  );
  return figure(
    'fan-out: status of 3 nodes',
    median(t.runEach) / median(t.sequential),
    '× sequential sh',
    '<= 0.5',
    `adapter runEach ${median(t.runEach).toFixed(0)} ms vs sh loop ${median(t.sequential).toFixed(0)} ms (medians of ${rounds})`,
  );
}
