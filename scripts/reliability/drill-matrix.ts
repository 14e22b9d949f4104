// The four recovery drills on every Talos version the lab answers as (issue #16): 1.8, 1.10,
// 1.11, 1.13, 1.14, and 1.14 with a dedicated ETCD volume. Each drill brings up its own lab in a
// temp dir on 127.0.0.11+ (run it alone: one lab at a time), runs `talos-dr drill --approve-all
// --json` through the built CLI, and checks outcome, data and that the log verifies.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const MATRIX_VERSIONS: { name: string; flags: string[] }[] = [
  { name: '1.8', flags: ['--talos-version', '1.8'] },
  { name: '1.10', flags: ['--talos-version', '1.10'] },
  { name: '1.11', flags: ['--talos-version', '1.11'] },
  { name: '1.13', flags: ['--talos-version', '1.13'] },
  { name: '1.14', flags: ['--talos-version', '1.14'] },
  { name: '1.14+ETCD', flags: ['--talos-version', '1.14', '--etcd-volume', 'dedicated'] },
];
export const MATRIX_DRILLS = ['nospace-recovery', 'replace-lost-member', 'member-not-syncing', 'restore-from-snapshot'];

export interface MatrixCell {
  version: string;
  drill: string;
  ok: boolean;
  outcome: string;
  intact: boolean;
  logVerified: boolean;
  seconds: number;
}

const BIN = new URL('../../bin/talos-dr', import.meta.url).pathname;

export function drillMatrix(log: (s: string) => void = () => undefined): MatrixCell[] {
  const cells: MatrixCell[] = [];
  for (const v of MATRIX_VERSIONS) {
    for (const drill of MATRIX_DRILLS) {
      const work = mkdtempSync(join(tmpdir(), 'talos-dr-matrix-'));
      const file = join(work, 'run.jsonl');
      const t0 = Date.now();
      const r = spawnSync(
        process.execPath,
        [BIN, 'drill', drill, '--approve-all', '--json', '--dir', join(work, 'lab'), '--log', file, ...v.flags],
        { encoding: 'utf8', timeout: 600_000, env: { ...process.env, NO_COLOR: '1' } },
      );
      let outcome = `exit ${r.status}`;
      let intact = false;
      try {
        const report = JSON.parse(r.stdout) as { run: { outcome: string }; data: { intact: boolean } };
        outcome = report.run.outcome;
        intact = report.data.intact;
      } catch {
        /* no report: the cell fails with its exit code */
      }
      const verified = spawnSync(process.execPath, [BIN, 'log', 'verify', file], { encoding: 'utf8' }).status === 0;
      const cell = {
        version: v.name,
        drill,
        ok: r.status === 0 && outcome === 'success' && intact && verified,
        outcome,
        intact,
        logVerified: verified,
        seconds: Math.round((Date.now() - t0) / 1000),
      };
      cells.push(cell);
      log(`  ${v.name.padEnd(10)} ${drill.padEnd(22)} ${cell.ok ? 'ok' : 'FAILED'} (${outcome}, ${cell.seconds} s)`);
      spawnSync(process.execPath, [BIN, 'lab', 'down', '--dir', join(work, 'lab')]);
      rmSync(work, { recursive: true, force: true });
    }
  }
  return cells;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const cells = drillMatrix((s) => process.stderr.write(`${s}\n`));
  const failed = cells.filter((c) => !c.ok).length;
  process.stdout.write(`${JSON.stringify(cells, null, 2)}\n${cells.length - failed} passed, ${failed} failed\n`);
  process.exitCode = failed === 0 ? 0 : 1;
}
