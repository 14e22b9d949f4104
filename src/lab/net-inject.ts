import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import { makeError } from '../io/errors.js';
import { isMemberAlive } from './cluster.js';
import { memberGid } from './net-ids.js';
import type { NetFault } from './net-rules.js';
import {
  describeFault,
  type FlapSpec,
  isClear,
  type NetDesired,
  netPaths,
  readApplied,
  readDesired,
  writeDesired,
} from './net-state.js';
import { type LabState, labPaths, readNode, withLock } from './state.js';

/**
 * `lab inject partition|partition-oneway|latency|loss|flap-leader` and the network part of
 * `lab heal`: checks that the lab can have network faults at all, records what should be in force
 * (net-faults.json, a new generation) and waits until the supervisor says it applied exactly that.
 */

export type NetFaultName = 'partition' | 'partition-oneway' | 'latency' | 'loss' | 'flap-leader';
export const NET_FAULTS: readonly NetFaultName[] = ['partition', 'partition-oneway', 'latency', 'loss', 'flap-leader'];

export interface NetFaultOptions {
  readonly ms?: number;
  readonly percent?: number;
  readonly cutMs?: number;
  readonly everyMs?: number;
}

export const DEFAULT_FLAP: FlapSpec = { cutMs: 3000, everyMs: 10_000 };
const ACK_TIMEOUT_MS = 10_000;

const bad = (flag: string, value: number | undefined, reason: string) =>
  makeError('TDR_BAD_PARAM', { flag, value: String(value ?? ''), reason });

/** The fault a member gets, with its flags checked (the flag named when one is wrong). */
export function nodeFault(fault: Exclude<NetFaultName, 'flap-leader'>, o: NetFaultOptions): NetFault {
  switch (fault) {
    case 'partition':
    case 'partition-oneway':
      return { kind: fault };
    case 'latency':
      if (o.ms === undefined) throw makeError('TDR_USAGE', { detail: 'fault latency needs --ms <n> (e.g. 300)' });
      if (!Number.isInteger(o.ms) || o.ms < 2 || o.ms > 10_000) throw bad('--ms', o.ms, 'must be 2 to 10000 (ms)');
      return { kind: 'latency', ms: o.ms };
    case 'loss':
      if (o.percent === undefined) throw makeError('TDR_USAGE', { detail: 'fault loss needs --percent <n> (e.g. 30)' });
      if (!Number.isInteger(o.percent) || o.percent < 1 || o.percent > 100)
        throw bad('--percent', o.percent, 'must be a whole number from 1 to 100');
      return { kind: 'loss', percent: o.percent };
  }
}

export function flapSpec(o: NetFaultOptions): FlapSpec {
  const cutMs = o.cutMs ?? DEFAULT_FLAP.cutMs;
  const everyMs = o.everyMs ?? DEFAULT_FLAP.everyMs;
  if (cutMs < 500 || cutMs > 600_000) throw bad('--cut', cutMs, 'must be from 500ms to 10m');
  if (everyMs <= cutMs) throw bad('--every', everyMs, `must be longer than --cut (${cutMs} ms)`);
  return { cutMs, everyMs };
}

/** The group ids of a process (/proc/<pid>/status: real, effective, saved, fs). */
function gidsOf(pid: number): number[] {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Gid:'));
  return (line ?? '').split(/\s+/).slice(1).filter(Boolean).map(Number);
}

/** Root, nft, a running supervisor, and members that run with their own group (lab up as root). */
export async function requireNetCapable(
  dir: string,
  lab: LabState,
  fault: string,
  supervisor: number | null,
): Promise<void> {
  const unavailable = (reason: string, fix: string) => makeError('TDR_LAB_NET_UNAVAILABLE', { fault, reason, fix });
  if (process.getuid?.() !== 0) {
    throw unavailable('network faults need root (nftables rules)', 'run lab up and lab inject as root');
  }
  const nft = await execa('nft', ['--version'], { reject: false, timeout: 10_000 });
  if (nft.exitCode !== 0) {
    throw unavailable(
      'nft (nftables) is not installed',
      'install it: bash scripts/setup.sh (apt-get install nftables)',
    );
  }
  if (supervisor === null) {
    throw unavailable(
      'the lab supervisor is not running (it owns the rules)',
      'restart the lab: talos-dr lab down && talos-dr lab up',
    );
  }
  for (const n of lab.nodes) {
    const rec = readNode(dir, n.name);
    if (!rec || rec.pid === null || !isMemberAlive(dir, rec)) continue;
    if (!gidsOf(rec.pid).every((g) => g === memberGid(n.ip))) {
      throw unavailable(
        `member ${n.name} (pid ${rec.pid}) does not run with its own group ${memberGid(n.ip)}, so its traffic cannot be told apart`,
        'restart the lab as root with this talos-dr: talos-dr lab down && talos-dr lab up',
      );
    }
  }
}

/** Records a new desired state under the lab's network lock and waits for the supervisor's acknowledgement. */
export async function changeNetFaults(dir: string, edit: (d: NetDesired) => NetDesired): Promise<NetDesired> {
  const next = await withLock(netPaths(dir).lock, 'the network faults', 15_000, () => {
    const cur = readDesired(dir);
    const d = { ...edit(cur), generation: cur.generation + 1 };
    writeDesired(dir, d);
    return d;
  });
  const deadline = Date.now() + ACK_TIMEOUT_MS;
  for (;;) {
    const a = readApplied(dir);
    if (a && a.generation >= next.generation) {
      if (!a.ok)
        throw makeError('TDR_LAB_FAILED', {
          detail: `the supervisor could not apply the network faults: ${a.error ?? '?'}`,
        });
      return next;
    }
    if (Date.now() > deadline) {
      throw makeError('TDR_LAB_FAILED', {
        detail: `the supervisor did not apply the network faults within ${ACK_TIMEOUT_MS / 1000} s; see ${labPaths(dir).supervisorLog}`,
      });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `lab inject <network fault>`: returns the line the CLI prints. */
export async function injectNetFault(
  dir: string,
  lab: LabState,
  fault: NetFaultName,
  node: string | null,
  o: NetFaultOptions,
  supervisor: number | null,
): Promise<string> {
  if (fault === 'flap-leader') {
    const spec = flapSpec(o);
    await requireNetCapable(dir, lab, fault, supervisor);
    await changeNetFaults(dir, (d) => ({ ...d, flap: spec }));
    return `flap-leader: the current leader is cut off from its peers for ${spec.cutMs} ms every ${spec.everyMs} ms (each cut in ${netPaths(dir).flaps}; lab heal stops it)`;
  }
  if (node === null) throw makeError('TDR_USAGE', { detail: `fault ${fault} needs --node <address|index>` });
  const f = nodeFault(fault, o);
  await requireNetCapable(dir, lab, fault, supervisor);
  await changeNetFaults(dir, (d) => ({ ...d, nodes: { ...d.nodes, [node]: f } }));
  const ip = lab.nodes.find((n) => n.name === node)?.ip ?? '?';
  return `${fault}: ${ip} (${node}) ${describeFault(f)}; lab heal removes it`;
}

/** The network part of `lab heal`: no fault in force, and (acknowledged) no table, no relay. */
export async function healNet(dir: string, supervisor: number | null): Promise<string[]> {
  const cur = readDesired(dir);
  if (isClear(cur)) return [];
  const was = Object.keys(cur.nodes).length + (cur.flap ? 1 : 0);
  if (supervisor === null) {
    // without its supervisor the kernel already removed the table (its owner exited)
    await withLock(netPaths(dir).lock, 'the network faults', 15_000, () =>
      writeDesired(dir, { generation: cur.generation + 1, nodes: {}, flap: null }),
    );
    return [`network: ${was} fault(s) cleared`];
  }
  await changeNetFaults(dir, () => ({ generation: 0, nodes: {}, flap: null }));
  return [`network: ${was} fault(s) removed (no rule of this lab is left)`];
}
