import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { ShimCtx, ShimIo } from '../../src/lab/shim-context.js';
import { type LabState, labPaths, type NodeRecord, writeJsonAtomic } from '../../src/lab/state.js';
import type { LabTalosVersion } from '../../src/lab/talos-versions.js';

/**
 * A lab's state files without a lab: lab.json and one record per node, as `lab up` and the
 * supervisor write them, with no etcd process behind them (every pid null). Enough for what the
 * shim and the lab commands decide from the files alone: a machine that is off, an etcd that is
 * not running, a service's events, a reset's mode change. Removed when the test finishes.
 */
export interface FakeLabOptions {
  /** one record per node, in order; the lab's nodes are lab-cp-1… on `firstIp`, +1, … */
  readonly nodes?: readonly Partial<NodeRecord>[];
  readonly firstIp?: string;
  readonly talosVersion?: LabTalosVersion;
  readonly dedicatedEtcd?: boolean;
  readonly supervisorPid?: number | null;
}

export function fakeLab(o: FakeLabOptions = {}): { dir: string; lab: LabState } {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-fake-lab-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const [a, b, c, d] = (o.firstIp ?? '127.0.0.121').split('.').map(Number) as [number, number, number, number];
  const records = o.nodes ?? [{}, {}, {}];
  const nodes = records.map((_, i) => ({ index: i + 1, name: `lab-cp-${i + 1}`, ip: `${a}.${b}.${c}.${d + i}` }));
  const lab: LabState = {
    version: 1,
    dir,
    nodes,
    quotaBytes: null,
    seedKeys: 0,
    seedPrefix: '/lab/seed/',
    createdAt: '2026-12-07T00:00:00Z',
    supervisorPid: o.supervisorPid ?? null,
    ...(o.talosVersion ? { talosVersion: o.talosVersion } : {}),
    ...(o.dedicatedEtcd ? { dedicatedEtcd: true } : {}),
  };
  mkdirSync(labPaths(dir).nodes, { recursive: true });
  writeJsonAtomic(labPaths(dir).state, lab);
  records.forEach((r, i) => {
    const spec = nodes[i] as (typeof nodes)[number];
    writeJsonAtomic(labPaths(dir).node(spec.name), nodeRecord(spec.name, spec.ip, r));
  });
  return { dir, lab };
}

/** A node record as the supervisor keeps it for a running member, with `over` applied. */
export function nodeRecord(name: string, ip: string, over: Partial<NodeRecord> = {}): NodeRecord {
  return {
    name,
    ip,
    mode: 'run',
    pid: null,
    frozen: false,
    clusterState: 'new',
    initialCluster: '',
    promote: null,
    waitRemovalOf: null,
    state: 'Running',
    health: 'OK',
    healthMessage: '',
    events: [],
    ...over,
  };
}

/** What a shim command printed, split by stream. */
export interface CapturedIo extends ShimIo {
  readonly stdout: () => string;
  readonly stderr: () => string;
}

export function captureIo(): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/** A shim command's context on a fake lab: `-n nodes`, its args and flags (name → values). */
export function shimCtx(
  dir: string,
  lab: LabState,
  nodes: readonly string[],
  args: readonly string[] = [],
  flags: Record<string, string[]> = {},
): ShimCtx & { io: CapturedIo } {
  return { dir, lab, nodes, args, flags: new Map(Object.entries(flags)), io: captureIo() };
}
