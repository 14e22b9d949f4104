// A benchmark, not a test: compiles and verifies a generated 1,000-step runbook and prints the
// median milliseconds (target ≤ 150 ms). Run: npx tsx scripts/bench-compile.ts
import { performance } from 'node:perf_hooks';
import { compileRunbook } from '../src/compile/to-machine.js';
import { verifyMachine } from '../src/compile/verify.js';
import { parseRunbook } from '../src/runbook/load.js';

const STEPS = 1000;
const RUNS = 15;

function generate(n: number): string {
  const steps: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `s${i}`;
    switch (i % 5) {
      case 0:
        steps.push(
          `  - id: ${id}\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n    retry: { attempts: 3 }\n    onFailure: continue`,
        );
        break;
      case 1:
        steps.push(
          `  - id: ${id}\n    choice: { check: no-alarms, with: { nodes: { ref: params.nodes } }, ifFail: s${Math.min(i + 3, n - 1)} }`,
        );
        break;
      case 2:
        steps.push(`  - id: ${id}\n    confirm: { prompt: go on }`);
        break;
      case 3:
        steps.push(`  - id: ${id}\n    talosctl: [etcd, leave]\n    node: 10.0.0.3`);
        break;
      default:
        steps.push(
          `  - id: ${id}\n    wait: { check: no-alarms, with: { nodes: { ref: params.nodes } }, timeout: 1m }`,
        );
    }
  }
  return `apiVersion: talos-dr/v1\nkind: Runbook\nmetadata: { name: bench, title: Bench }\nparams:\n  nodes: { type: nodes, description: n }\nsteps:\n${steps.join('\n')}\n`;
}

const text = generate(STEPS);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const parseMs: number[] = [];
const compileVerifyMs: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const parsed = parseRunbook(text, 'bench.yaml');
  const t1 = performance.now();
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  const { machine } = compileRunbook(parsed.runbook);
  const problems = verifyMachine(machine, { file: 'bench.yaml', locations: parsed.locations });
  const t2 = performance.now();
  if (problems.length > 0) throw new Error(`unexpected: ${problems[0]?.message}`);
  parseMs.push(t1 - t0);
  compileVerifyMs.push(t2 - t1);
}
process.stdout.write(
  `${STEPS} steps, ${RUNS} runs: compile + verify median ${median(compileVerifyMs).toFixed(1)} ms (target ≤ 150); parse + rules median ${median(parseMs).toFixed(1)} ms\n`,
);
