import { join } from 'node:path';
import { execa } from 'execa';
import { makeError } from '../io/errors.js';
import { type Checksum, putViaGateway } from '../lab/cluster.js';
import { endpointStatus } from '../lab/etcdctl.js';
import { heal, injectFault } from '../lab/faults.js';
import { labChecksum, labTalosctl } from '../lab/lab.js';
import { type Role, selfCommand } from '../lab/self-command.js';
import type { LabState } from '../lab/state.js';
import { waitBehind, writeLoad } from '../lab/write-load.js';

/**
 * What each built-in runbook's drill does to the lab before the run: the fault the runbook exists
 * for, the params it gets, which data set it must leave behind, and how the drill acts out the
 * runbook's manual steps (power machines back on = `lab heal`).
 */

export interface DrillSetup {
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
  /**
   * What the drill does, as someone other than the responder, once the run reaches a step (a
   * network team repairing a link while the runbook waits): returns what was done, for the report.
   */
  duringRun?: { atStep: string; act: () => Promise<string> };
  /** ends what the setup left running (a write load), whatever the run did */
  stop?: () => Promise<void>;
}

export interface DrillContext {
  dir: string;
  lab: LabState;
  /** a temp dir for snapshots the drill takes or the run writes */
  work: string;
}

type Setup = (c: DrillContext) => Promise<DrillSetup>;

const ips = (lab: LabState): string[] => lab.nodes.map((n) => n.ip);

/** The leader's node and the followers' nodes, read from etcd directly. */
export async function leaderOf(lab: LabState): Promise<{ leader: string; followers: string[] }> {
  const rows = await Promise.all(ips(lab).map(async (ip) => ({ ip, st: await endpointStatus(ip, 2) })));
  const l = rows.find((r) => r.st !== null && r.st.leader === r.st.memberId);
  if (!l) throw makeError('TDR_LAB_FAILED', { detail: 'no leader in the lab before the fault' });
  return { leader: l.ip, followers: rows.filter((r) => r.ip !== l.ip).map((r) => r.ip) };
}

/** Takes a snapshot through the lab's talosctl, as backup-snapshot would. */
async function snapshotVia(dir: string, node: string, path: string): Promise<void> {
  const r = await execa(labTalosctl(dir), ['--nodes', node, 'etcd', 'snapshot', path], {
    reject: false,
    env: { TALOS_DR_LAB_DIR: dir },
  });
  if (r.exitCode !== 0) throw makeError('TDR_LAB_FAILED', { detail: `etcd snapshot failed: ${String(r.stderr)}` });
}

const lose =
  (which: 'follower' | 'leader'): Setup =>
  async (c) => {
    const { leader, followers } = await leaderOf(c.lab);
    const node = which === 'leader' ? leader : (followers.at(-1) ?? leader);
    const msg = await injectFault(c.dir, 'lose', { node });
    return {
      fault: `${which === 'leader' ? 'lost the LEADER' : 'lost a follower'}: ${msg}`,
      params: [`snapshot=${join(c.work, 'before-replace.snapshot')}`],
    };
  };

export const DRILL_SETUPS: Readonly<Record<string, Setup>> = {
  'nospace-recovery': async (c) => ({ fault: await fillInChild(c.dir, 'nospace'), params: [] }),
  'nospace-full': async (c) => ({ fault: await fillInChild(c.dir, 'nospace-full'), params: [] }),
  'restore-from-snapshot': async (c) => {
    const snap = join(c.work, 'good.snapshot');
    const first = c.lab.nodes[0]?.ip ?? '127.0.0.11';
    await snapshotVia(c.dir, first, snap);
    const atSnapshot = await labChecksum(c.dir);
    for (let i = 0; i < 10; i++)
      await putViaGateway(first, `${c.lab.seedPrefix}after-snapshot-${i}`, `written after the snapshot ${i}`);
    // a PERMANENT quorum loss: a majority of machines lost with their disks (a temporary one is
    // fixed by powering them back on, and the runbook then refuses to restore)
    const lost: string[] = [];
    for (const n of c.lab.nodes.slice(-(Math.floor(c.lab.nodes.length / 2) + 1))) {
      lost.push(await injectFault(c.dir, 'lose', { node: n.ip }));
    }
    return {
      fault: `took a good snapshot (${atSnapshot.keys} keys), wrote 10 more keys, then lost a majority: ${lost.join('; ')}`,
      params: [`snapshot=${snap}`, `members=${c.lab.nodes.length}`],
      expected: { keys: atSnapshot.keys, sha256: atSnapshot.sha256 },
      expectedNote: 'the snapshot’s data set (the 10 keys written after it are lost by design)',
    };
  },
  // the restore takes its snapshot from a backup target: `backup run` first, then the same loss
  'restore-from-backup': async (c) => {
    const target = join(c.work, 'backups');
    const args = [
      'backup',
      'run',
      '--param',
      `nodes=${ips(c.lab).join(',')}`,
      '--talosctl',
      labTalosctl(c.dir),
      '--target',
      target,
    ];
    const r = await execSelf('talos-dr', args, {
      reject: false,
      env: { ...process.env, TALOS_DR_LAB_DIR: c.dir, TALOS_DR_LOG_DIR: join(c.work, 'backup-logs') },
    });
    if (r.exitCode !== 0)
      throw makeError('TDR_LAB_FAILED', {
        detail: `backup run failed (exit ${r.exitCode}): ${String(r.stderr).slice(-500)}`,
      });
    const atBackup = await labChecksum(c.dir);
    const first = c.lab.nodes[0]?.ip ?? '127.0.0.11';
    for (let i = 0; i < 10; i++)
      await putViaGateway(first, `${c.lab.seedPrefix}after-backup-${i}`, `written after the backup ${i}`);
    const lost: string[] = [];
    for (const n of c.lab.nodes.slice(-(Math.floor(c.lab.nodes.length / 2) + 1)))
      lost.push(await injectFault(c.dir, 'lose', { node: n.ip }));
    return {
      fault: `${String(r.stdout).trim()}; wrote 10 more keys, then lost a majority: ${lost.join('; ')}`,
      params: ['snapshot=backup:latest', `members=${c.lab.nodes.length}`],
      backupTarget: target,
      expected: { keys: atBackup.keys, sha256: atBackup.sha256 },
      expectedNote: 'the backup’s data set (the 10 keys written after it are lost by design)',
    };
  },
  'restore-corrupt-snapshot': async (c) => {
    const snap = join(c.work, 'corrupt.snapshot');
    await snapshotVia(c.dir, c.lab.nodes[0]?.ip ?? '127.0.0.11', snap);
    const corrupt = await injectFault(c.dir, 'corrupt-snapshot', { file: snap });
    const msg = await injectFault(c.dir, 'quorum-loss', {});
    return { fault: `${corrupt}; ${msg}`, params: [`snapshot=${snap}`, `members=${c.lab.nodes.length}`] };
  },
  'replace-two-down': async (c) => {
    const { followers, leader } = await leaderOf(c.lab);
    const [a, b] = followers;
    const lost = await injectFault(c.dir, 'lose', { node: a ?? leader });
    const killed = await injectFault(c.dir, 'kill', { node: b ?? leader });
    return { fault: `${lost}; ${killed}`, params: [`snapshot=${join(c.work, 'before-replace.snapshot')}`] };
  },
  'replace-lost-member': lose('follower'),
  'replace-lost-leader': lose('leader'),
  'member-not-syncing': async (c) => {
    const { followers, leader } = await leaderOf(c.lab);
    const msg = await injectFault(c.dir, 'stuck-learner', { node: followers.at(-1) ?? leader });
    return { fault: msg, params: [`members=${c.lab.nodes.length}`] };
  },
  // a voter that answers but falls behind over a slow link while the cluster takes writes: it must
  // be found by its lag (not as a learner or as cut off), and not wiped; once the link is repaired
  // (the drill acts out the network team while the runbook waits) it must be proven back in sync
  'member-not-syncing-slow-link': async (c) => {
    const { followers, leader } = await leaderOf(c.lab);
    const node = followers.at(-1) ?? leader;
    const msg = await injectFault(c.dir, 'latency', { node, ms: 3000 });
    const load = writeLoad(leader, 200);
    const behind = await waitBehind(leader, node, 300);
    return {
      fault: `${msg}; ${load.describe()}; ${behind}`,
      params: [`members=${c.lab.nodes.length}`, 'maxLag=100'],
      duringRun: {
        atStep: 'catch-up',
        act: async () => {
          await load.stop();
          return `the link was repaired and the writes paused while the runbook waited (lab heal: ${(await heal(c.dir)).join('; ')})`;
        },
      },
      stop: () => load.stop(),
    };
  },
  'backup-snapshot': async (c) => ({ fault: 'none', params: [`path=${join(c.work, 'backup.snapshot')}`] }),
  'rolling-defrag': async () => ({ fault: 'none', params: [] }),
  'health-check': async (c) => ({ fault: 'none', params: [`members=${c.lab.nodes.length}`] }),
};

/** The runbook each drill scenario runs (variants run the same runbook with another fault). */
export const DRILL_RUNBOOK: Readonly<Record<string, string>> = {
  'nospace-full': 'nospace-recovery',
  'replace-lost-leader': 'replace-lost-member',
  'replace-two-down': 'replace-lost-member',
  'restore-corrupt-snapshot': 'restore-from-snapshot',
  'restore-from-backup': 'restore-from-snapshot',
  'member-not-syncing-slow-link': 'member-not-syncing',
};

/** The drill acting as the operator for a manual step: the lab powers machines back on. */
export async function actOutManual(
  dir: string,
  stepId: string,
): Promise<{ done: boolean; by: string; detail: string }> {
  const out = await heal(dir);
  return {
    done: true,
    by: 'the drill (acting as operator on the lab)',
    detail: `${stepId}: ran \`talos-dr lab heal\`${out.length ? `: ${out.join('; ')}` : ' (nothing was down)'}`,
  };
}

/**
 * The NOSPACE faults through a child `talos-dr lab inject`: filling the quota sends ~260 puts of
 * 512 KB, whose request buffers would otherwise set the drill's (the engine's) peak memory.
 */
export async function fillInChild(dir: string, fault: 'nospace' | 'nospace-full'): Promise<string> {
  const r = await execSelf('talos-dr', ['lab', 'inject', fault, '--dir', dir], { reject: false });
  if (r.exitCode !== 0)
    throw makeError('TDR_LAB_FAILED', {
      detail: `lab inject ${fault}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
    });
  return r.stdout.trim();
}

/** Runs a part of talos-dr itself (see self-command.ts) with `args`. */
export function execSelf(role: Role, args: readonly string[], opts: { reject: false; env?: NodeJS.ProcessEnv }) {
  const c = selfCommand(role);
  return execa(c.file, [...c.args, ...args], { ...opts, ...(c.argv0 ? { argv0: c.argv0 } : {}) });
}
