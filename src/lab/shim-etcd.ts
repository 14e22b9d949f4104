import { statSync } from 'node:fs';
import { killMember, wipeData } from './cluster.js';
import {
  clientUrl,
  endpointStatus,
  etcdctl,
  grpcCodeOf,
  parseAlarms,
  parseMemberList,
  snapshotStatus,
} from './etcdctl.js';
import { formatInUse, formatMemberId, humanizeBytes, rpcError, tabwrite } from './format.js';
import {
  clusterEndpoints,
  etcdRefused,
  finish,
  localEtcd,
  NodeError,
  perNode,
  profileOf,
  type ShimCtx,
} from './shim-context.js';
import { addEvent, withNode } from './state.js';

/**
 * `talosctl etcd …` over etcdctl, in talosctl v1.14's formats: tables with a NODE column,
 * `%016x` ids, SI sizes, per-node errors as gRPC status texts, nothing printed where talosctl
 * prints nothing.
 */

const rpcOf = (err: string, prefix = ''): string => rpcError(grpcCodeOf(err), `${prefix}${err}`);

/** Local status, mapping an unreachable or frozen member to the error talosctl would show. */
async function localStatus(ctx: ShimCtx, node: string) {
  const rec = localEtcd(ctx, node);
  const st = await endpointStatus(rec.ip, 2);
  if (!st) throw new NodeError(rec.frozen ? rpcError('DeadlineExceeded', 'context deadline exceeded') : etcdRefused);
  return { rec, st };
}

/** Talos sends these with WithRequireLeader: under quorum loss they fail with "no leader". */
async function requireLeader(ctx: ShimCtx, node: string, prefix = '') {
  const r = await localStatus(ctx, node);
  if (r.st.leader === '0') throw new NodeError(rpcError('Unavailable', `${prefix}etcdserver: no leader`));
  return r;
}

export async function etcdMembers(ctx: ShimCtx): Promise<number> {
  const { rows, errors } = await perNode(ctx, async (node) => {
    const { rec } = await requireLeader(ctx, node);
    const r = await etcdctl([clientUrl(rec.ip)], ['member', 'list', '-w', 'json'], { commandTimeoutS: 3 });
    if (r.code !== 0) throw new NodeError(rpcOf(r.error));
    return parseMemberList(r.stdout).map(
      (m) =>
        `${node}\t${formatMemberId(m.id)}\t${m.name}\t${m.peerURLs.join(',')}\t${m.clientURLs.join(',')}\t${m.isLearner}`,
    );
  });
  // ≤ 1.13 prints the header only above a row; 1.14 always
  if (rows.length > 0 || profileOf(ctx).semantics === 'per-node')
    ctx.io.out(tabwrite(['NODE\tID\tHOSTNAME\tPEER URLS\tCLIENT URLS\tLEARNER', ...rows]));
  return finish(ctx, errors, 'error getting members');
}

export async function etcdStatus(ctx: ShimCtx): Promise<number> {
  const versions = profileOf(ctx).statusVersionColumns; // PROTOCOL and STORAGE from talosctl 1.11
  const { rows, errors } = await perNode(ctx, async (node) => {
    const { st } = await localStatus(ctx, node);
    const storage = /^(\d+)\.(\d+)\./.exec(st.version);
    return [
      [
        node,
        formatMemberId(st.memberId),
        humanizeBytes(st.dbSize),
        formatInUse(st.dbSizeInUse, st.dbSize),
        formatMemberId(st.leader),
        st.raftIndex,
        st.raftTerm,
        st.raftAppliedIndex,
        st.isLearner,
        ...(versions ? [st.version, storage ? `${storage[1]}.${storage[2]}.0` : 'unknown'] : []),
        st.errors.join(', '),
      ].join('\t'),
    ];
  });
  const header = `NODE\tMEMBER\tDB SIZE\tIN USE\tLEADER\tRAFT INDEX\tRAFT TERM\tRAFT APPLIED INDEX\tLEARNER${versions ? '\tPROTOCOL\tSTORAGE' : ''}\tERRORS`;
  if (rows.length > 0 || profileOf(ctx).semantics === 'per-node') ctx.io.out(tabwrite([header, ...rows]));
  return finish(ctx, errors, 'error getting status');
}

const ALARM_HEADER = 'NODE\tMEMBER\tALARM';

export async function etcdAlarmList(ctx: ShimCtx): Promise<number> {
  const { rows, errors } = await perNode(ctx, async (node) => {
    const { rec } = await requireLeader(ctx, node, 'failed to list etcd alarms: ');
    const r = await etcdctl([clientUrl(rec.ip)], ['alarm', 'list', '-w', 'json'], { commandTimeoutS: 3 });
    if (r.code !== 0) {
      const again = await endpointStatus(rec.ip, 1);
      const err = again?.leader === '0' ? 'etcdserver: no leader' : r.error;
      throw new NodeError(rpcOf(err, 'failed to list etcd alarms: '));
    }
    return parseAlarms(r.stdout).map((a) => `${node}\t${formatMemberId(a.memberId)}\t${a.alarm}`);
  });
  if (rows.length > 0) ctx.io.out(tabwrite([ALARM_HEADER, ...rows]));
  return finish(ctx, errors, 'error listing alarms');
}

export async function etcdAlarmDisarm(ctx: ShimCtx): Promise<number> {
  const { rows, errors } = await perNode(ctx, async (node) => {
    const { rec } = await requireLeader(ctx, node, 'failed to disarm etcd alarm: ');
    const r = await etcdctl([clientUrl(rec.ip)], ['alarm', 'disarm'], { commandTimeoutS: 3 });
    if (r.code !== 0) throw new NodeError(rpcOf(r.error, 'failed to disarm etcd alarm: '));
    return [...r.stdout.matchAll(/memberID:(\d+) alarm:(\w+)/g)].map(
      (m) => `${node}\t${formatMemberId(m[1] ?? '0')}\t${m[2] ?? 'NONE'}`,
    );
  });
  if (rows.length > 0) ctx.io.out(tabwrite([ALARM_HEADER, ...rows]));
  return finish(ctx, errors, 'error disarming alarms');
}

/** Single-node commands report their error bare (no "error from node" prefix). */
async function single(ctx: ShimCtx, fn: (node: string) => Promise<void>): Promise<number> {
  const node = ctx.nodes[0] ?? '';
  try {
    await fn(node);
    return 0;
  } catch (e) {
    ctx.io.err(`${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

export function etcdSnapshot(ctx: ShimCtx): Promise<number> {
  return single(ctx, async (node) => {
    const path = ctx.args[0];
    if (!path || ctx.args.length !== 1) throw new Error(`accepts 1 arg(s), received ${ctx.args.length}`);
    let rec: ReturnType<typeof localEtcd>;
    try {
      rec = localEtcd(ctx, node);
    } catch (e) {
      throw new Error(`error reading file: ${(e as Error).message}`);
    }
    const r = await etcdctl([clientUrl(rec.ip)], ['snapshot', 'save', path], { commandTimeoutS: 60 });
    if (r.code !== 0) throw new Error(`error reading: ${rpcOf(r.error)}`);
    const size = statSync(path).size;
    if (size % 512 !== 32) throw new Error(`sha256 checksum not found (size ${size})`);
    ctx.io.out(`etcd snapshot saved to "${path}" (${size} bytes)\n`);
    const info = await snapshotStatus(path);
    if ('error' in info) throw new Error(`error reading snapshot status: ${info.error}`);
    ctx.io.out(
      `snapshot info: hash ${info.hash.toString(16).padStart(8, '0')}, revision ${info.revision}, total keys ${info.totalKey}, total size ${info.totalSize}\n`,
    );
  });
}

export function etcdDefrag(ctx: ShimCtx): Promise<number> {
  return single(ctx, async (node) => {
    const rec = localEtcd(ctx, node);
    const r = await etcdctl([clientUrl(rec.ip)], ['defrag'], { commandTimeoutS: 60 });
    if (r.code !== 0) throw new Error(rpcOf(r.error, 'failed to defragment etcd: '));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Removes a member through the cluster, retrying "unhealthy cluster" like Talos (capped at 30 s here). */
async function removeMember(eps: string[], hex: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const r = await etcdctl(eps, ['member', 'remove', BigInt(`0x${hex}`).toString(16)], { commandTimeoutS: 3 });
    if (r.code === 0) return { ok: true };
    if (!/unhealthy cluster|server stopped/.test(r.error) || Date.now() > deadline)
      return { ok: false, error: r.error };
    await sleep(300);
  }
}

export function etcdLeave(ctx: ShimCtx): Promise<number> {
  return single(ctx, async (node) => {
    const { rec, st } = await localStatus(ctx, node).catch((e: Error) => {
      throw new Error(`failed to leave cluster: failed to get local etcd member ID: ${e.message}`);
    });
    await leaveCluster(ctx, rec.name, rec.ip, st.memberId);
  });
}

/** Talos LeaveCluster: remove self via the cluster, stop etcd, wipe the data dir; etcd stays stopped. */
export async function leaveCluster(ctx: ShimCtx, name: string, ip: string, memberId: string): Promise<void> {
  const eps = clusterEndpoints(ctx).filter((e) => e !== clientUrl(ip));
  const rm = await removeMember(eps.length > 0 ? eps : [clientUrl(ip)], formatMemberId(memberId));
  if (!rm.ok && !rm.error.includes('member not found')) {
    throw new Error(rpcOf(rm.error, `failed to leave cluster: failed to remove member ${memberId}: `));
  }
  await withNode(ctx.dir, name, async (rec) => {
    if (rec.pid !== null) addEvent(rec, 'Stopping', `Sending SIGTERM to task etcd (PID ${rec.pid}, container etcd)`);
    await killMember(ctx.dir, rec, 'SIGTERM');
    wipeData(ctx.dir, name);
    rec.pid = null;
    rec.mode = 'stopped';
    rec.health = '?';
    rec.promote = null;
    addEvent(rec, 'Finished', 'Service finished successfully');
  });
}

export async function etcdRemoveMember(ctx: ShimCtx): Promise<number> {
  const arg = ctx.args[0] ?? '';
  if (ctx.args.length !== 1) {
    ctx.io.err(`accepts 1 arg(s), received ${ctx.args.length}\n`);
    return 1;
  }
  if (!/^[0-9a-fA-F]{1,16}$/.test(arg)) {
    ctx.io.err(
      `error parsing member ID: error parsing etcd member id: strconv.ParseUint: parsing "${arg}": invalid syntax\n`,
    );
    return 1;
  }
  const dec = BigInt(`0x${arg}`).toString(10);
  const { errors } = await perNode(ctx, async (node) => {
    localEtcd(ctx, node);
    const rm = await removeMember(clusterEndpoints(ctx, node), arg);
    if (rm.ok) return [];
    if (rm.error.includes('member not found')) {
      throw new NodeError(rpcError('NotFound', `failed to remove member ${dec}: etcdserver: member not found`));
    }
    throw new NodeError(rpcOf(rm.error, `failed to remove member: failed to remove member ${dec}: `));
  });
  return finish(ctx, errors, 'error removing member');
}

export async function etcdForfeitLeadership(ctx: ShimCtx): Promise<number> {
  const { errors } = await perNode(ctx, async (node) => {
    const { rec, st } = await requireLeader(ctx, node);
    const ml = await etcdctl([clientUrl(rec.ip)], ['member', 'list', '-w', 'json'], { commandTimeoutS: 3 });
    if (ml.code !== 0) throw new NodeError(rpcOf(ml.error));
    const members = parseMemberList(ml.stdout);
    if (members.length <= 1) throw new NodeError(rpcError('Unknown', 'cannot forfeit leadership, only one member'));
    if (st.leader !== st.memberId) return [];
    const to = members.find((m) => m.id !== st.memberId && !m.isLearner) ?? members.find((m) => m.id !== st.memberId);
    if (!to) return [];
    const r = await etcdctl([clientUrl(rec.ip)], ['move-leader', BigInt(to.id).toString(16)], { commandTimeoutS: 3 });
    if (r.code !== 0 && !r.error.includes('not leader')) throw new NodeError(rpcOf(r.error));
    return [];
  });
  return finish(ctx, errors, 'error forfeiting leadership');
}
