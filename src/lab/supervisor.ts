import { existsSync } from 'node:fs';
import { isMemberAlive, spawnMember, wipeData } from './cluster.js';
import { clientUrl, endpointStatus, etcdctl, parseMemberList, peerUrl } from './etcdctl.js';
import { formatMemberId } from './format.js';
import { addEvent, type LabState, labPaths, type NodeRecord, readNode, withNode } from './state.js';

/**
 * Plays Talos's etcd service on every lab node, one small step per tick: restarts a crashed
 * member, keeps STATE/HEALTH and events current, lets a wiped node (Preparing) join a reachable
 * cluster as a learner and promotes it once in sync, and compacts like kube-apiserver does so
 * that defragmentation frees space as on a real cluster.
 */

export interface SupervisorMemory {
  readonly restarts: Map<string, number[]>;
  readonly lastHealth: Map<string, number>;
  readonly lastJoin: Map<string, number>;
  /** when we started each member: its health stays "?" for a grace period, as a starting service */
  readonly startedAt: Map<string, number>;
  lastCompact: number;
}

export const newMemory = (): SupervisorMemory => ({
  restarts: new Map(),
  lastHealth: new Map(),
  lastJoin: new Map(),
  startedAt: new Map(),
  lastCompact: 0,
});

const HEALTH_EVERY_MS = 2000;
const JOIN_EVERY_MS = 700;
const COMPACT_EVERY_MS = 5000;
const MAX_RESTARTS_PER_MIN = 5;

type Log = (line: string) => void;

/** One pass over all nodes, then maybe a compaction. Never throws. */
export async function superviseOnce(dir: string, lab: LabState, mem: SupervisorMemory, log: Log): Promise<void> {
  for (const node of lab.nodes) {
    try {
      await withNode(dir, node.name, (rec) => stepNode(dir, lab, rec, mem, log), 300);
    } catch (e) {
      if (!String(e).includes('is busy')) log(`node ${node.name}: ${String(e)}`);
    }
  }
  if (Date.now() - mem.lastCompact > COMPACT_EVERY_MS) {
    mem.lastCompact = Date.now();
    await compact(dir, lab, log).catch((e: unknown) => log(`compact: ${String(e)}`));
  }
}

/** Endpoints of the other nodes whose etcd runs and answers (not frozen). */
function peerEndpoints(dir: string, lab: LabState, self: string): string[] {
  return lab.nodes
    .filter((n) => n.name !== self)
    .map((n) => readNode(dir, n.name))
    .filter((r): r is NodeRecord => r !== null && r.mode === 'run' && !r.frozen && isMemberAlive(dir, r))
    .map((r) => clientUrl(r.ip));
}

async function stepNode(dir: string, lab: LabState, rec: NodeRecord, mem: SupervisorMemory, log: Log): Promise<void> {
  if (rec.mode === 'join') return tryJoin(dir, lab, rec, mem, log);
  if (rec.mode !== 'run' || rec.frozen) return;
  if (!isMemberAlive(dir, rec)) return startOrRestart(dir, lab, rec, mem, log);
  const now = Date.now();
  if (now - (mem.lastHealth.get(rec.name) ?? 0) >= HEALTH_EVERY_MS) {
    mem.lastHealth.set(rec.name, now);
    const st = await endpointStatus(rec.ip, 1);
    const problem =
      st === null
        ? 'etcd is not answering'
        : st.leader === '0'
          ? 'etcdserver: no leader'
          : st.errors.find((e) => !e.includes('alarm'));
    if (problem === undefined && rec.health !== 'OK') {
      rec.health = 'OK';
      rec.healthMessage = '';
      addEvent(rec, 'Running', 'Health check successful');
    } else if (problem !== undefined && rec.health !== 'Fail' && now - (mem.startedAt.get(rec.name) ?? 0) > 10_000) {
      rec.health = 'Fail';
      rec.healthMessage = problem;
      addEvent(rec, 'Running', `Health check failed: ${problem}`);
    }
  }
  if (rec.promote) await tryPromote(dir, lab, rec, log);
}

function startOrRestart(dir: string, lab: LabState, rec: NodeRecord, mem: SupervisorMemory, log: Log): void {
  const now = Date.now();
  if (rec.pid !== null) {
    const recent = (mem.restarts.get(rec.name) ?? []).filter((t) => now - t < 60_000);
    mem.restarts.set(rec.name, [...recent, now]);
    if (recent.length >= MAX_RESTARTS_PER_MIN) {
      rec.mode = 'failed';
      rec.pid = null;
      rec.health = 'Fail';
      addEvent(rec, 'Failed', 'Failed running task: etcd exited too often, giving up');
      log(`${rec.name}: too many restarts, Failed`);
      return;
    }
    addEvent(rec, 'Failed', `Error running task etcd, going to restart forever: process ${rec.pid} exited`);
  }
  const pid = spawnMember(dir, rec, lab.quotaBytes);
  mem.startedAt.set(rec.name, now);
  rec.pid = pid;
  rec.health = '?';
  addEvent(rec, 'Running', `Started task etcd (PID ${pid}) for container etcd`);
  // a member that started once continues on its data dir from now on
  rec.clusterState = 'existing';
  log(`${rec.name}: started etcd pid ${pid}`);
}

async function tryJoin(dir: string, lab: LabState, rec: NodeRecord, mem: SupervisorMemory, log: Log): Promise<void> {
  const now = Date.now();
  if (now - (mem.lastJoin.get(rec.name) ?? 0) < JOIN_EVERY_MS) return;
  mem.lastJoin.set(rec.name, now);
  if (rec.state !== 'Preparing') addEvent(rec, 'Preparing', 'Running pre state');
  const eps = peerEndpoints(dir, lab, rec.name);
  if (eps.length === 0) return;
  const ml = await etcdctl(eps, ['member', 'list', '-w', 'json'], { commandTimeoutS: 2 });
  if (ml.code !== 0) return;
  const members = parseMemberList(ml.stdout);
  const stale = members.find((m) => m.peerURLs.includes(peerUrl(rec.ip)));
  if (stale) {
    const hex = formatMemberId(stale.id);
    if (rec.waitRemovalOf !== null) return; // a replaced machine: the runbook removes the old member
    const rm = await etcdctl(eps, ['member', 'remove', BigInt(stale.id).toString(16)], { commandTimeoutS: 2 });
    if (rm.code !== 0) return;
    log(`${rec.name}: removed stale member ${hex}`);
  }
  rec.waitRemovalOf = null;
  const add = await etcdctl(eps, ['member', 'add', rec.name, '--learner', `--peer-urls=${peerUrl(rec.ip)}`], {
    commandTimeoutS: 2,
  });
  if (add.code !== 0) return; // strict reconfig window ("unhealthy cluster"): next tick
  const id = /Member\s+([0-9a-f]+) added/.exec(add.stdout)?.[1];
  const ic = /ETCD_INITIAL_CLUSTER="([^"]*)"/.exec(add.stdout)?.[1];
  if (!id || !ic) {
    log(`${rec.name}: unexpected member add output: ${add.stdout}`);
    return;
  }
  wipeData(dir, rec.name);
  rec.initialCluster = ic;
  rec.clusterState = 'existing';
  rec.mode = 'run';
  rec.promote = id;
  rec.pid = spawnMember(dir, rec, lab.quotaBytes);
  mem.startedAt.set(rec.name, Date.now());
  rec.health = '?';
  addEvent(rec, 'Running', `Started task etcd (PID ${rec.pid}) for container etcd`);
  log(`${rec.name}: joined as learner ${id}, pid ${rec.pid}`);
}

async function tryPromote(dir: string, lab: LabState, rec: NodeRecord, log: Log): Promise<void> {
  if (!rec.promote || rec.holdPromotion) return;
  const eps = peerEndpoints(dir, lab, rec.name);
  if (eps.length === 0) return;
  const r = await etcdctl(eps, ['member', 'promote', rec.promote], { commandTimeoutS: 2 });
  if (r.code === 0 || /member not found|not a learner|can only promote a learner member$/.test(r.error)) {
    log(`${rec.name}: promoted ${rec.promote} (${r.code === 0 ? 'ok' : r.error})`);
    rec.promote = null;
  }
}

async function compact(dir: string, lab: LabState, log: Log): Promise<void> {
  if (existsSync(labPaths(dir).compactionPaused)) return;
  for (const n of lab.nodes) {
    const rec = readNode(dir, n.name);
    if (!rec || rec.mode !== 'run' || rec.frozen || !isMemberAlive(dir, rec)) continue;
    const st = await endpointStatus(rec.ip, 1);
    if (!st || st.leader === '0' || st.isLearner || st.revision < 2) continue;
    const r = await etcdctl([clientUrl(rec.ip)], ['compact', String(st.revision)], { commandTimeoutS: 2 });
    if (r.code !== 0 && !r.error.includes('compacted')) log(`compact ${st.revision}: ${r.error}`);
    return;
  }
}
