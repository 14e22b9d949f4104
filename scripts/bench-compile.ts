// A benchmark, not a test: compiles and verifies a generated 1,000-step runbook and prints the
// median milliseconds (target ≤ 150 ms). Run: npx tsx scripts/bench-compile.ts (also in `npm run bench`).
import { timeCompile } from '../bench/compile.js';
import { median } from '../bench/lib.js';

const STEPS = 1000;
const RUNS = 15;
const t = timeCompile(STEPS, RUNS);
process.stdout.write(
  `${STEPS} steps, ${RUNS} runs: compile + verify median ${median(t.compileVerifyMs).toFixed(1)} ms (target ≤ 150); parse + rules median ${median(t.parseMs).toFixed(1)} ms\n`,
);
