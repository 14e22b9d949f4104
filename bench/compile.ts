// Figure 3: compile + verify of a generated 1,000-step runbook, in process (no start-up).
import { compileRunbook } from '../src/compile/to-machine.js';
import { verifyMachine } from '../src/compile/verify.js';
import { parseRunbook } from '../src/runbook/load.js';
import { type Figure, figure, median } from './lib.js';

/** A runbook mixing every step kind that compiles to states: reads, choices, confirms, irreversible steps, waits. */
export function generateRunbook(n: number): string {
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

export interface CompileTimes {
  parseMs: number[];
  compileVerifyMs: number[];
}

/** Parses, then compiles and verifies, `runs` times; the first run (cold JIT) is included. */
export function timeCompile(steps: number, runs: number): CompileTimes {
  const text = generateRunbook(steps);
  const out: CompileTimes = { parseMs: [], compileVerifyMs: [] };
  for (let run = 0; run < runs; run++) {
    const t0 = performance.now();
    const parsed = parseRunbook(text, 'bench.yaml');
    const t1 = performance.now();
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
    const { machine } = compileRunbook(parsed.runbook);
    const problems = verifyMachine(machine, { file: 'bench.yaml', locations: parsed.locations });
    const t2 = performance.now();
    if (problems.length > 0) throw new Error(`unexpected: ${problems[0]?.message}`);
    out.parseMs.push(t1 - t0);
    out.compileVerifyMs.push(t2 - t1);
  }
  return out;
}

export function benchCompile(runs: number): Figure[] {
  const t = timeCompile(1000, runs);
  return [
    figure(
      'compile + verify (1,000 steps)',
      median(t.compileVerifyMs),
      'ms',
      '<= 150',
      `median of ${runs}; parse + rules alone ${median(t.parseMs).toFixed(0)} ms more`,
    ),
  ];
}
