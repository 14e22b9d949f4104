// `npm run bench`: every performance figure of talos-dr, each a ratio (or a number) measured side by
// side in this run, medians over interleaved runs. Prints a table and writes bench/results.json.
// Flags: --quick (fewer rounds), --no-lab (skip the figures that need the lab of real etcd),
// --only <name,…> (overhead, startup, compile, detect, verify, lab, backup, backup-libs). The lab part runs under
// `flock $BENCH_LAB_LOCK` when that variable is set (one lab per machine).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchBackup, benchBackupLibraries } from '../bench/backup.js';
import { benchCompile } from '../bench/compile.js';
import { benchDetect } from '../bench/detect.js';
import { type Figure, log, mustRun, ROOT } from '../bench/lib.js';
import { benchOverhead } from '../bench/overhead.js';
import { benchStartup } from '../bench/startup.js';
import { benchVerifyLog } from '../bench/verify-log.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'no-lab': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const q = values.quick === true;
const only = values.only?.split(',');
const want = (name: string): boolean =>
  (only === undefined || only.includes(name)) && !(name === 'lab' && values['no-lab']);

async function labFigures(rounds: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'talos-dr-bench-'));
  try {
    const out = join(dir, 'lab.json');
    const argv = [process.execPath, '--import', 'tsx', `${ROOT}scripts/bench-lab.ts`, out, String(rounds)];
    const lock = process.env.BENCH_LAB_LOCK;
    log(lock ? `lab: waiting for the lab lock ${lock}` : 'lab: no BENCH_LAB_LOCK set: make sure no other lab runs');
    const t = await mustRun(lock ? ['flock', lock, ...argv] : argv);
    process.stderr.write(t.stderr);
    return JSON.parse(readFileSync(out, 'utf8')) as Figure[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const figures: Figure[] = [];
if (want('overhead')) figures.push(...(await benchOverhead({ steps: 200, rounds: q ? 2 : 5 })));
if (want('startup')) figures.push(...(await benchStartup(q ? 10 : 30)));
if (want('compile')) figures.push(...benchCompile(q ? 7 : 15));
if (want('detect')) figures.push(...(await benchDetect(q ? 4 : 10)));
if (want('verify')) figures.push(...(await benchVerifyLog(100_000, q ? 3 : 7)));
if (want('lab')) figures.push(...(await labFigures(q ? 1 : 3)));
if (want('backup')) figures.push(...(await benchBackup(q, q ? 2 : 3)));
if (only?.includes('backup-libs')) figures.push(...(await benchBackupLibraries(q)));

const rows = figures.map((f) => [
  f.met ? 'ok  ' : 'MISS',
  f.name,
  `${f.value} ${f.unit}`,
  `goal ${f.goal}`,
  f.detail ?? '',
]);
const widths = [4, 0, 0, 0].map((w, i) => Math.max(w, ...rows.map((r) => (r[i] ?? '').length)));
for (const r of rows) process.stdout.write(`${r.map((c, i) => (i < 4 ? c.padEnd(widths[i] ?? 0) : c)).join('  ')}\n`);
// --only: the other figures of the last full run stay in results.json (same name: replaced)
const kept =
  only === undefined
    ? []
    : (JSON.parse(readFileSync(`${ROOT}bench/results.json`, 'utf8')) as Figure[]).filter(
        (f) => !figures.some((n) => n.name === f.name),
      );
writeFileSync(`${ROOT}bench/results.json`, `${JSON.stringify([...kept, ...figures], null, 2)}\n`);
process.stdout.write(
  `\nwrote bench/results.json (${figures.length} figures, ${figures.filter((f) => !f.met).length} missed)\n`,
);
