import { closeSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { makeError } from '../io/errors.js';
import { isMemberAlive, killMember, putViaGateway, wipeData } from './cluster.js';
import { clientUrl, endpointStatus, etcdctl, parseAlarms, parseMemberList } from './etcdctl.js';
import { formatMemberId } from './format.js';
import { liveEndpoints, requireLab, supervisorPid } from './lab.js';
import { healNet, injectNetFault, NET_FAULTS, type NetFaultName, type NetFaultOptions } from './net-inject.js';
import { addEvent, type LabState, labPaths, withNode } from './state.js';

/**
 * `talos-dr lab inject <fault>` and `lab heal`: the failures a DR drill starts from, done to the
 * real members (signals, wiped data dirs, a filled quota, a damaged snapshot file).
 */

export type FaultName =
  | 'nospace'
  | 'nospace-full'
  | 'kill'
  | 'lose'
  | 'lag'
  | 'stuck-learner'
  | 'quorum-loss'
  | 'corrupt-snapshot'
  | 'clock-skew'
  | NetFaultName;
export const FAULTS: readonly FaultName[] = [
  'nospace',
  'nospace-full',
  'kill',
  'lose',
  'lag',
  'stuck-learner',
  'quorum-loss',
  'corrupt-snapshot',
  'clock-skew',
  ...NET_FAULTS,
];

/** `--node` as an address (127.0.0.12), a name (lab-cp-2) or a 1-based index. */
export function resolveNode(lab: LabState, value: string): string {
  const n = lab.nodes.find((x) => x.ip === value || x.name === value || String(x.index) === value);
  if (!n) throw makeError('TDR_LAB_BAD_NODE', { value, known: lab.nodes.map((x) => `${x.index}=${x.ip}`) });
  return n.name;
}

export async function injectFault(
  dir: string,
  fault: FaultName,
  opts: { node?: string; file?: string; offsetMs?: number } & NetFaultOptions,
): Promise<string> {
  const lab = requireLab(dir);
  const needNode = (): string => {
    if (!opts.node) throw makeError('TDR_USAGE', { detail: `fault ${fault} needs --node <address|index>` });
    return resolveNode(lab, opts.node);
  };
  switch (fault) {
    case 'partition':
    case 'partition-oneway':
    case 'latency':
    case 'loss':
    case 'flap-leader':
      return injectNetFault(dir, lab, fault, fault === 'flap-leader' ? null : needNode(), opts, supervisorPid(dir));
    case 'clock-skew': {
      const name = needNode();
      if (opts.offsetMs === undefined)
        throw makeError('TDR_USAGE', { detail: 'fault clock-skew needs --offset-ms <n> (e.g. 3000)' });
      const offset = opts.offsetMs;
      await withNode(dir, name, (rec) => {
        rec.clockOffsetMs = offset;
      });
      return `clock-skew: ${name}'s clock now reads ${offset} ms off in talosctl time (lab heal resets it)`;
    }
    case 'kill':
      return killNode(dir, needNode(), false);
    case 'lose':
      return killNode(dir, needNode(), true);
    case 'lag':
      return freezeNode(dir, needNode());
    case 'stuck-learner':
      return stuckLearner(dir, lab, needNode());
    case 'quorum-loss': {
      const victims = lab.nodes.slice(-(Math.floor(lab.nodes.length / 2) + 1));
      for (const v of victims) await killNode(dir, v.name, false);
      await waitNoLeader(lab.nodes.filter((n) => !victims.includes(n)).map((n) => n.ip));
      return `quorum-loss: killed ${victims.map((v) => v.ip).join(', ')} (SIGKILL, data kept)`;
    }
    case 'nospace':
    case 'nospace-full':
      return fillQuota(dir, lab, fault === 'nospace-full');
    case 'corrupt-snapshot':
      if (!opts.file) throw makeError('TDR_USAGE', { detail: 'fault corrupt-snapshot needs a snapshot file argument' });
      return corruptSnapshot(opts.file);
  }
}

/** Waits (up to 10 s) until the survivors notice: their status shows no leader. */
async function waitNoLeader(ips: readonly string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const st = await Promise.all(ips.map((ip) => endpointStatus(ip, 1)));
    if (st.every((s) => s === null || s.leader === '0')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function killNode(dir: string, name: string, wipe: boolean): Promise<string> {
  return withNode(dir, name, async (rec) => {
    const st = isMemberAlive(dir, rec) && !rec.frozen ? await endpointStatus(rec.ip, 1) : null;
    await killMember(dir, rec, 'SIGKILL');
    rec.pid = null;
    rec.frozen = false;
    rec.health = '?';
    if (!wipe) {
      rec.mode = 'down';
      return `kill: ${rec.ip} (${rec.name}) SIGKILLed; machine down, data kept (lab heal restarts it)`;
    }
    wipeData(dir, name);
    rec.mode = 'join';
    rec.waitRemovalOf = st ? formatMemberId(st.memberId) : 'unknown';
    addEvent(rec, 'Preparing', 'Running pre state');
    return `lose: ${rec.ip} (${rec.name}) SIGKILLed and wiped; it waits in Preparing until member ${rec.waitRemovalOf} is removed, then joins`;
  });
}

async function freezeNode(dir: string, name: string): Promise<string> {
  return withNode(dir, name, (rec) => {
    if (!isMemberAlive(dir, rec) || rec.pid === null) {
      throw makeError('TDR_LAB_FAILED', { detail: `${rec.ip}: etcd is not running` });
    }
    process.kill(rec.pid, 'SIGSTOP');
    rec.frozen = true;
    return `lag: ${rec.ip} (${rec.name}) frozen with SIGSTOP (lab heal sends SIGCONT)`;
  });
}

/**
 * A learner never promoted: the machine's etcd is wiped and rejoins (the supervisor removes its old
 * member and adds it back with `member add --learner`), but the promotion is withheld, as when
 * Talos's promotion loop keeps failing. The learner answers status and replicates; `etcd members`
 * shows LEARNER true. `lab heal`, or a reset of that machine (a fresh join), lets it be promoted.
 */
async function stuckLearner(dir: string, lab: LabState, name: string): Promise<string> {
  const ip = await withNode(dir, name, async (rec) => {
    await killMember(dir, rec, 'SIGKILL');
    wipeData(dir, name);
    rec.pid = null;
    rec.frozen = false;
    rec.promote = null;
    rec.holdPromotion = true;
    rec.waitRemovalOf = null;
    rec.mode = 'join';
    rec.health = '?';
    addEvent(rec, 'Preparing', 'Running pre state');
    return rec.ip;
  });
  const others = lab.nodes.filter((n) => n.name !== name).map((n) => clientUrl(n.ip));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const ml = await etcdctl(others, ['member', 'list', '-w', 'json'], { commandTimeoutS: 2 });
    const me = ml.code === 0 ? parseMemberList(ml.stdout).find((m) => m.name === name) : undefined;
    const st = me?.isLearner ? await endpointStatus(ip, 1) : null;
    if (me?.isLearner && st?.isLearner) {
      return `stuck-learner: ${ip} (${name}) wiped and rejoined as learner ${formatMemberId(me.id)}; its promotion is withheld (lab heal or a reset of the machine ends it)`;
    }
  }
  throw makeError('TDR_LAB_FAILED', { detail: `${ip} did not rejoin as a learner within 60 s` });
}

/** Ends lag (SIGCONT) and brings killed machines back on their data; lost (wiped) ones keep waiting. */
export async function heal(dir: string): Promise<string[]> {
  const lab = requireLab(dir);
  rmSync(labPaths(dir).compactionPaused, { force: true });
  const out: string[] = await healNet(dir, supervisorPid(dir));
  for (const n of lab.nodes) {
    const clock = await withNode(dir, n.name, (rec) => {
      if (!rec.clockOffsetMs) return null;
      rec.clockOffsetMs = 0;
      return `${rec.ip}: clock back in sync`;
    });
    if (clock) out.push(clock);
    const msg = await withNode(dir, n.name, (rec) => {
      if (rec.holdPromotion) {
        rec.holdPromotion = false;
        if (rec.promote) return `${rec.ip}: learner ${rec.promote} may be promoted now`;
      }
      if (rec.frozen && rec.pid !== null) {
        try {
          process.kill(rec.pid, 'SIGCONT');
        } catch {
          /* gone */
        }
        rec.frozen = false;
        return `${rec.ip}: resumed (SIGCONT)`;
      }
      if (rec.mode === 'down') {
        rec.mode = 'run';
        rec.clusterState = 'existing';
        addEvent(rec, 'Preparing', 'Running pre state');
        return `${rec.ip}: machine back, etcd restarting on its data`;
      }
      return null;
    });
    if (msg) out.push(msg);
  }
  return out;
}

async function fillQuota(dir: string, lab: LabState, distinct: boolean): Promise<string> {
  if (!lab.quotaBytes || lab.quotaBytes > 256 * 1024 * 1024) {
    throw makeError('TDR_LAB_FAILED', {
      detail: 'the NOSPACE faults need a small quota: start the lab with `talos-dr lab up --quota 33554432`',
    });
  }
  const ep = liveEndpoints(dir, lab)[0];
  const ip = ep ? new URL(ep).hostname : undefined;
  if (!ip) throw makeError('TDR_LAB_FAILED', { detail: 'no member is running' });
  const value = Buffer.alloc(512 * 1024, 'x');
  const paused = labPaths(dir).compactionPaused;
  if (!distinct) writeFileSync(paused, 'nospace fill\n'); // keep the history until the alarm
  let puts = 0;
  const limit = Math.ceil((lab.quotaBytes * 4) / value.length) + 50;
  try {
    for (; puts < limit; puts++) {
      const key = distinct ? `/lab/full/${String(puts).padStart(5, '0')}` : `/lab/fill/${puts % 4}`;
      value.write(String(puts).padStart(12, '0'), 0); // distinct values: no dedup anywhere
      try {
        await putViaGateway(ip, key, value);
      } catch (e) {
        if (String(e).includes('database space exceeded')) break;
        throw e;
      }
    }
  } finally {
    rmSync(paused, { force: true });
  }
  const alarms = await etcdctl([clientUrl(ip)], ['alarm', 'list', '-w', 'json'], { commandTimeoutS: 3 });
  const found = alarms.code === 0 ? parseAlarms(alarms.stdout).filter((a) => a.alarm === 'NOSPACE') : [];
  if (found.length === 0) throw makeError('TDR_LAB_FAILED', { detail: `no NOSPACE alarm after ${puts} puts` });
  // Compact once now, as kube-apiserver's periodic compaction would have: the fault is then the
  // same every time (history marked free, so a defrag can reclaim it), not a race with the
  // supervisor's next compaction tick. Compaction is allowed while NOSPACE is raised.
  if (!distinct) {
    const st = await endpointStatus(ip, 2);
    if (st) await etcdctl([clientUrl(ip)], ['compact', String(st.revision)], { commandTimeoutS: 5 });
  }
  return `${distinct ? 'nospace-full' : 'nospace'}: NOSPACE alarm raised after ${puts} puts of 512 KB (member ${found.map((a) => formatMemberId(a.memberId)).join(', ')})`;
}

/** Flips 64 bytes in the middle of the file, keeping its size: the sha256 check refuses it. */
function corruptSnapshot(file: string): string {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw makeError('TDR_FILE_NOT_FOUND', { path: file });
  }
  const fd = openSync(file, 'r+');
  try {
    const at = Math.floor(size / 2);
    const buf = Buffer.alloc(64);
    readSync(fd, buf, 0, 64, at);
    for (let i = 0; i < buf.length; i++) buf[i] = (buf[i] ?? 0) ^ 0xff;
    writeSync(fd, buf, 0, 64, at);
  } finally {
    closeSync(fd);
  }
  return `corrupt-snapshot: flipped 64 bytes at offset ${Math.floor(size / 2)} of ${file} (${size} bytes)`;
}
