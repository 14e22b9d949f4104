import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirEmpty, isMemberAlive, killMember, wipeData } from './cluster.js';
import { endpointStatus, etcdctl, peerUrl, snapshotStatus } from './etcdctl.js';
import { goDurationSeconds, rpcError, tabwrite } from './format.js';
import { finish, flag, flagBool, machine, NodeError, perNode, profileOf, type ShimCtx } from './shim-context.js';
import { leaveCluster } from './shim-etcd.js';
import { addEvent, labPaths, type NodeRecord, withNode } from './state.js';
import type { TalosProfile } from './talos-versions.js';

/**
 * The node-level talosctl commands the DR procedure uses: `service etcd`, `logs etcd`,
 * `bootstrap [--recover-from]`, `reset`, `version --client`. State changes go through the node
 * records; the supervisor starts the etcd processes.
 */

function serviceBlock(node: string, rec: NodeRecord, now: number): string {
  const lines = [`NODE\t${node}`, 'ID\tetcd', `STATE\t${rec.state}`, `HEALTH\t${rec.health}`];
  if (rec.healthMessage) lines.push(`LAST HEALTH MESSAGE\t${rec.healthMessage}`);
  let label = 'EVENTS';
  for (const ev of [...rec.events].reverse()) {
    lines.push(`${label}\t[${ev.state}]: ${ev.msg} (${goDurationSeconds(now - ev.ts)} ago)`);
    label = '';
  }
  return tabwrite(lines);
}

export async function service(ctx: ShimCtx): Promise<number> {
  const id = ctx.args[0];
  if (id !== undefined && id !== 'etcd') {
    ctx.io.err(`service "${id}" is not registered on any nodes\n`);
    return 1;
  }
  if (ctx.args.length > 1 && ctx.args[1] !== 'status') {
    ctx.io.err(`service "etcd" doesn't support ${ctx.args[1]} operation via API\n`);
    return 1;
  }
  const now = Date.now();
  const { rows, errors } = await perNode(ctx, async (node) => {
    const rec = machine(ctx, node);
    if (id === undefined) {
      const last = rec.events.at(-1);
      return [
        `${node}\tetcd\t${rec.state}\t${rec.health}\t${goDurationSeconds(now - (last?.ts ?? now))} ago\t${last?.msg ?? ''}`,
      ];
    }
    return [serviceBlock(node, rec, now)];
  });
  if (id === undefined) ctx.io.out(tabwrite(['NODE\tSERVICE\tSTATE\tHEALTH\tLAST CHANGE\tLAST EVENT', ...rows]));
  else ctx.io.out(rows.join(''));
  return finish(ctx, errors, 'error listing services');
}

export async function logs(ctx: ShimCtx): Promise<number> {
  if (ctx.args[0] !== 'etcd' || ctx.args.length !== 1) {
    ctx.io.err(`talosctl-lab: only "logs etcd" is supported\n`);
    return 1;
  }
  if (flagBool(ctx, 'follow', false)) {
    ctx.io.err('talosctl-lab: logs --follow is not supported by the lab shim\n');
    return 1;
  }
  const tail = Number(flag(ctx, 'tail') ?? '-1');
  const { rows, errors } = await perNode(ctx, async (node) => {
    const rec = machine(ctx, node);
    const file = labPaths(ctx.dir).log(rec.name);
    if (!existsSync(file)) throw new NodeError(rpcError('Unknown', 'log "etcd" was not registered'));
    let lines = readFileSync(file, 'utf8').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
    return [lines.map((l) => `${node}: ${l}\n`).join('')];
  });
  ctx.io.out(rows.join(''));
  return finish(ctx, errors, 'error fetching logs');
}

/** `version --client`: the talosctl of the lab's Talos version (lab up --talos-version). */
export function version(ctx: ShimCtx): number {
  const tag = profileOf(ctx).tag;
  // as Talos's version.PrintShortVersion: the name and tag indented by a tab (fixtures/talosctl/v1.14/version/client-short)
  if (flagBool(ctx, 'short', false)) ctx.io.out(`Client:\n\tTalos ${tag}\n`);
  else ctx.io.out(`Client:\n\tTag:         ${tag}\n\tSHA:         talos-dr-lab\n\tOS/Arch:     linux/amd64\n`);
  return 0;
}

/** Go's time.String() in UTC with nanoseconds: `2023-04-12 11:43:52.324593578 +0000 UTC`. */
export function goTimeString(ms: number): string {
  // the sub-millisecond part rounds to nanoseconds; 999.9999996 ms carries into the next second
  let whole = Math.floor(ms);
  let sub = Math.round((ms - whole) * 1e6);
  if (sub === 1e6) {
    whole += 1;
    sub = 0;
  }
  const d = new Date(whole);
  const nanos = sub + d.getUTCMilliseconds() * 1e6;
  const frac = String(nanos).padStart(9, '0').replace(/0+$/, '');
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}${frac ? `.${frac}` : ''} +0000 UTC`;
}

/**
 * `talosctl time`: the node's clock next to its NTP server's. The lab's clocks are this machine's,
 * moved by `lab inject clock-skew`; the server column names Talos's default server, which the lab
 * never dials.
 */
export async function time(ctx: ShimCtx): Promise<number> {
  const { rows, errors } = await perNode(ctx, async (node) => {
    const rec = machine(ctx, node);
    const now = Date.now() + (performance.now() % 1);
    return [`${node}\ttime.cloudflare.com\t${goTimeString(now + (rec.clockOffsetMs ?? 0))}\t${goTimeString(now)}`];
  });
  if (rows.length > 0 || profileOf(ctx).semantics === 'per-node')
    ctx.io.out(tabwrite(['NODE\tNTP-SERVER\tNODE-TIME\tNTP-SERVER-TIME', ...rows]));
  return finish(ctx, errors, 'error fetching time');
}

/** Restores into a scratch dir (etcdctl refuses an existing data dir), then moves it into place. */
async function restoreInto(ctx: ShimCtx, rec: NodeRecord, snap: string, skipHash: boolean): Promise<string | null> {
  const data = labPaths(ctx.dir).data(rec.name);
  const scratch = `${data}.restore`;
  rmSync(scratch, { recursive: true, force: true });
  const r = await etcdctl(
    [],
    [
      'snapshot',
      'restore',
      snap,
      '--name',
      rec.name,
      '--data-dir',
      scratch,
      '--initial-cluster',
      `${rec.name}=${peerUrl(rec.ip)}`,
      '--initial-advertise-peer-urls',
      peerUrl(rec.ip),
      ...(skipHash ? ['--skip-hash-check'] : []),
    ],
    { commandTimeoutS: 60 },
  );
  mkdirSync(data, { recursive: true, mode: 0o700 });
  // as Talos: even a failed restore leaves what it wrote behind, so a retry needs a new wipe
  if (existsSync(scratch)) for (const e of readdirSync(scratch)) renameSync(join(scratch, e), join(data, e));
  rmSync(scratch, { recursive: true, force: true });
  return r.code === 0 ? null : r.error || `exit ${r.code}`;
}

export async function bootstrap(ctx: ShimCtx): Promise<number> {
  const node = ctx.nodes[0] ?? '';
  const from = flag(ctx, 'recover-from');
  const skipHash = flagBool(ctx, 'recover-skip-hash-check', false);
  try {
    if (from !== undefined) {
      const info = await snapshotStatus(from);
      if ('error' in info) throw new Error(`error reading snapshot status: ${info.error}`);
      ctx.io.out(
        `recovering from snapshot "${from}": hash ${info.hash.toString(16).padStart(8, '0')}, revision ${info.revision}, total keys ${info.totalKey}, total size ${info.totalSize}\n`,
      );
    }
    const rec0 = machine(ctx, node);
    await withNode(ctx.dir, rec0.name, async (rec) => {
      if (!dataDirEmpty(ctx.dir, rec.name) || isMemberAlive(ctx.dir, rec)) {
        throw new Error(`error executing bootstrap: ${rpcError('AlreadyExists', 'etcd data directory is not empty')}`);
      }
      addEvent(rec, 'Finished', 'Bootstrap requested');
      addEvent(rec, 'Preparing', 'Running pre state');
      rec.waitRemovalOf = null;
      rec.promote = null;
      rec.pid = null;
      rec.health = '?';
      rec.healthMessage = '';
      rec.clusterState = 'new';
      rec.initialCluster = `${rec.name}=${peerUrl(rec.ip)}`;
      if (from !== undefined) {
        const upload = join(labPaths(ctx.dir).uploads, `${rec.name}.etcd.snapshot`);
        mkdirSync(labPaths(ctx.dir).uploads, { recursive: true });
        copyFileSync(from, upload);
        const err = await restoreInto(ctx, rec, upload, skipHash);
        rmSync(upload, { force: true });
        if (err !== null) {
          // Talos returns before the restore runs: the failure shows in the service state only
          rec.mode = 'failed';
          rec.health = '?';
          addEvent(rec, 'Failed', `Failed to run pre stage: error recovering from the snapshot: ${err}`);
          return;
        }
        rec.clusterState = 'existing';
      }
      rec.mode = 'run';
    });
    return 0;
  } catch (e) {
    ctx.io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

export async function reset(ctx: ShimCtx): Promise<number> {
  const graceful = flagBool(ctx, 'graceful', true);
  const reboot = flagBool(ctx, 'reboot', false);
  const labels = (ctx.flags.get('system-labels-to-wipe') ?? []).flatMap((l) => l.split(',')).filter((l) => l !== '');
  const refused = labelRefusal(profileOf(ctx), labels);
  if (refused !== undefined) {
    ctx.io.err(`${refused}\n`);
    return 1;
  }
  // where etcd keeps its data decides what clears it: a dedicated ETCD partition survives EPHEMERAL
  const wipe = profileOf(ctx).etcdVolume === 'partition' ? labels.includes('ETCD') : labels.includes('EPHEMERAL');
  const { errors } = await perNode(ctx, async (node) => {
    const rec0 = machine(ctx, node);
    if (graceful && rec0.mode === 'run' && isMemberAlive(ctx.dir, rec0)) {
      const st = await endpointStatus(rec0.ip, 2);
      if (!st) throw new NodeError(rpcError('Unknown', 'failed to reset: etcd is not answering'));
      await leaveCluster(ctx, rec0.name, rec0.ip, st.memberId).catch((e: Error) => {
        throw new NodeError(`${e.message}`);
      });
    }
    await withNode(ctx.dir, rec0.name, async (rec) => {
      await killMember(ctx.dir, rec, 'SIGKILL');
      rec.pid = null;
      rec.frozen = false;
      rec.promote = null;
      rec.holdPromotion = false; // a fresh join runs a fresh promotion loop
      rec.health = '?';
      rec.healthMessage = '';
      if (wipe) wipeData(ctx.dir, rec.name);
      const empty = dataDirEmpty(ctx.dir, rec.name);
      rec.events = [];
      if (!reboot) {
        rec.mode = 'down';
        return;
      }
      addEvent(rec, 'Waiting', 'Waiting for service "cri" to be "up"');
      addEvent(rec, 'Preparing', 'Running pre state');
      rec.mode = empty ? 'join' : 'run';
      rec.clusterState = 'existing';
    });
    return [];
  });
  return finish(ctx, errors, 'error executing reset');
}

const KNOWN_LABELS = ['STATE', 'EPHEMERAL', 'META', 'ETCD'];

/**
 * Talos's validation of --system-labels-to-wipe (talosctl-reference §15): an unknown label has no
 * volume status; ETCD is "not located" before it can be a partition (≤ 1.13), and while it is a
 * directory on 1.14 it cannot be wiped without EPHEMERAL.
 */
function labelRefusal(p: TalosProfile, labels: readonly string[]): string | undefined {
  for (const l of labels) {
    if (!KNOWN_LABELS.includes(l) || (l === 'ETCD' && p.etcdVolume === 'none'))
      return `failed to get volume status with label "${l}": resource VolumeStatuses.block.talos.dev(runtime/${l}@undefined) doesn't exist`;
  }
  if (!labels.includes('ETCD') || p.etcdVolume === 'partition') return undefined;
  if (p.semantics === 'aggregated') return 'failed to reset: volume "ETCD" is not located';
  if (!labels.includes('EPHEMERAL'))
    return 'failed to reset: volume "ETCD" resides on volume "EPHEMERAL", and therefore "ETCD" cannot be wiped without wiping "EPHEMERAL"';
  return undefined;
}
