import { join } from 'node:path';
import { makeError } from '../io/errors.js';
import { type Checksum, putViaGateway } from '../lab/cluster.js';
import { heal } from '../lab/faults.js';
import { labChecksum, labTalosctl } from '../lab/lab.js';
import { runProcess } from '../lab/run-process.js';
import type { LabState } from '../lab/state.js';
import { applyFaults } from './apply-fault.js';
import { execSelf } from './exec-self.js';
import { RUNBOOK_DRILLS, type RunbookDrill } from './runbook-drills.js';

/**
 * A runbook drill's row (runbook-drills.ts) done to a fresh lab: the preparation, the faults,
 * and what the run needs (params, the data set it must leave, the backup target, the act at a step).
 */

export interface PreparedDrill {
  /** what was done to the lab, for the report */
  fault: string;
  /** `--param` strings for the run (besides nodes) */
  params: string[];
  /** the data set the run must leave (default: the one before the fault) */
  expected?: Checksum;
  /** why the expected data set differs from the one before the fault */
  expectedNote?: string;
  /** where a `backup:<id|latest>` param is fetched from */
  backupTarget?: string;
  /** what the drill does once the run reaches a step; returns what was done, for the report */
  duringRun?: { atStep: string; act: () => Promise<string> };
  /** ends what the faults left running (a write load), whatever the run did; safe to call twice */
  stop: () => Promise<void>;
}

export interface DrillLab {
  dir: string;
  lab: LabState;
  /** a temp dir for snapshots the drill takes or the run writes */
  work: string;
}

export async function prepareDrill(scenario: string, c: DrillLab): Promise<PreparedDrill> {
  const row = RUNBOOK_DRILLS[scenario];
  if (!row) throw makeError('TDR_LAB_FAILED', { detail: `no drill for ${scenario}` });
  const taken = row.prepare ? await take(row.prepare, c) : undefined;
  const faults = await applyFaults(row.faults, { dir: c.dir, lab: c.lab, snapshot: taken?.file });
  const params = row.params({ work: c.work, members: c.lab.nodes.length, snapshot: taken?.param });
  return {
    fault: [taken?.text, faults.text].filter(Boolean).join('; '),
    params,
    ...(taken?.expected ? { expected: taken.expected, expectedNote: taken.expectedNote } : {}),
    ...(taken?.backupTarget ? { backupTarget: taken.backupTarget } : {}),
    ...(row.during
      ? {
          duringRun: {
            atStep: row.during.atStep,
            act: async () => {
              await faults.stopLoads();
              return `the link was repaired and the writes paused while the runbook waited (lab heal: ${(await heal(c.dir)).join('; ')})`;
            },
          },
        }
      : {}),
    stop: faults.stopLoads,
  };
}

interface Taken {
  text: string;
  /** the snapshot file (a `snapshot` fault corrupts it) */
  file?: string;
  /** the run's snapshot param: the file, or backup:latest */
  param: string;
  expected?: Checksum;
  expectedNote?: string;
  backupTarget?: string;
}

/** The preparation: a snapshot or a backup, then the keys written after it (lost by design). */
async function take(p: NonNullable<RunbookDrill['prepare']>, c: DrillLab): Promise<Taken> {
  const first = c.lab.nodes[0]?.ip ?? '127.0.0.11';
  let t: Taken;
  if (p.take === 'snapshot') {
    const file = join(c.work, p.file ?? 'drill.snapshot');
    await snapshotVia(c.dir, first, file);
    t = { text: 'took a snapshot', file, param: file };
  } else {
    const target = join(c.work, 'backups');
    t = { text: await backupVia(c, target), param: 'backup:latest', backupTarget: target };
  }
  const at = await labChecksum(c.dir);
  if (p.thenWrite === undefined) return { ...t, text: `${t.text} (${at.keys} keys)` };
  for (let i = 0; i < p.thenWrite; i++)
    await putViaGateway(first, `${c.lab.seedPrefix}after-${p.take}-${i}`, `written after the ${p.take} ${i}`);
  return {
    ...t,
    text: `${t.text} (${at.keys} keys), then wrote ${p.thenWrite} more keys`,
    expected: { keys: at.keys, sha256: at.sha256 },
    expectedNote: `the ${p.take}’s data set (the ${p.thenWrite} keys written after it are lost by design)`,
  };
}

/** Takes a snapshot through the lab's talosctl, as backup-snapshot would. */
async function snapshotVia(dir: string, node: string, path: string): Promise<void> {
  const r = await runProcess(labTalosctl(dir), ['--nodes', node, 'etcd', 'snapshot', path], {
    env: { ...process.env, TALOS_DR_LAB_DIR: dir },
  });
  if (r.code !== 0) throw makeError('TDR_LAB_FAILED', { detail: `etcd snapshot failed: ${r.stderr}` });
}

/** `talos-dr backup run` of the lab to a directory target, as a child process, as an operator runs it. */
async function backupVia(c: DrillLab, target: string): Promise<string> {
  const nodes = c.lab.nodes.map((n) => n.ip).join(',');
  const args = ['backup', 'run', '--param', `nodes=${nodes}`, '--talosctl', labTalosctl(c.dir), '--target', target];
  const r = await execSelf('talos-dr', args, {
    env: { ...process.env, TALOS_DR_LAB_DIR: c.dir, TALOS_DR_LOG_DIR: join(c.work, 'backup-logs') },
  });
  if (r.code !== 0)
    throw makeError('TDR_LAB_FAILED', {
      detail: `backup run failed (exit ${r.code}): ${r.stderr.slice(-500)}`,
    });
  return r.stdout.trim();
}
