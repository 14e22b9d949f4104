// Figure 6: `talos-dr log verify` of a 100,000-record log against `sha256sum` of the same file.
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, type JournalSink } from '../src/engine/journal.js';
import { type Figure, figure, interleave, log, median, mustRun, TALOS_DR } from './lib.js';

const STATUS =
  'NODE          MEMBER             DB SIZE   IN USE            LEADER             RAFT INDEX   RAFT TERM   RAFT APPLIED INDEX   LEARNER   PROTOCOL   STORAGE   ERRORS\n' +
  '127.0.0.11    a49c021e76e707db   3.6 MB    2.2 MB (61.59%)   a49c021e76e707db   4703         2           4703                 false     3.6.4      3.6.0     \n';

/** Writes `records` records with the real Journal (a plain file sink: no fsync while generating). */
export function writeLog(path: string, records: number): void {
  const fd = openSync(path, 'w', 0o600);
  const sink: JournalSink = {
    append: (line) => {
      writeSync(fd, line);
    },
    sync: () => {},
    close: () => closeSync(fd),
  };
  const j = Journal.create(path, { sink });
  j.append('run-start', {
    runbook: 'bench',
    runbookSha256: 'a'.repeat(64),
    params: { nodes: ['127.0.0.11'] },
    operator: 'bench',
    host: 'bench',
    toolVersion: '0.1.0',
    talosctlVersion: 'v1.14.0',
    dryRun: false,
  });
  // a read step's records in turn: step-start, command-result (real status output), check, step-end
  for (let i = 1; i < records - 1; i++) {
    const step = `s${Math.floor(i / 4)}`;
    switch (i % 4) {
      case 1:
        j.append('step-start', { step, kind: 'talosctl' });
        break;
      case 2:
        j.append('command-result', {
          step,
          argv: ['etcd', 'status'],
          node: '127.0.0.11',
          exitCode: 0,
          durationMs: 21,
          stdout: STATUS,
          stderr: '',
          timedOut: false,
          ref: `cmd-${i + 1}`,
        });
        break;
      case 3:
        j.append('check', {
          step,
          name: 'no-alarms',
          args: { nodes: ['127.0.0.11'] },
          observed: { alarms: [], statusErrors: {} },
          verdict: 'pass',
          summary: 'no alarm raised and no status errors on 127.0.0.11',
          evidence: [`cmd-${i}`],
        });
        break;
      default:
        j.append('step-end', { step, outcome: 'done' });
    }
  }
  j.append('run-end', { outcome: 'done', exitCode: 0 });
  j.close();
}

export async function benchVerifyLog(records: number, rounds: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'talos-dr-bench-'));
  try {
    const path = join(dir, 'run.jsonl');
    writeLog(path, records);
    const mb = statSync(path).size / 1e6;
    log(`log verify: ${records} records, ${mb.toFixed(1)} MB, ${rounds} interleaved rounds`);
    const t = await interleave(
      {
        verify: async () => (await mustRun([process.execPath, TALOS_DR, 'log', 'verify', path])).ms,
        sha256sum: async () => (await mustRun(['sha256sum', path])).ms,
      },
      rounds,
    );
    const verify = mb / (median(t.verify) / 1000);
    const sha = mb / (median(t.sha256sum) / 1000);
    return [
      figure(
        'log verify throughput (100,000 records)',
        verify / sha,
        '× sha256sum',
        '>= 0.5',
        `${verify.toFixed(0)} MB/s vs sha256sum ${sha.toFixed(0)} MB/s on ${mb.toFixed(1)} MB (process times incl. start-up, medians of ${rounds})`,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
