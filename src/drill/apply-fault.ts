import { makeError } from '../io/errors.js';
import { endpointStatus } from '../lab/etcdctl.js';
import { injectFault } from '../lab/faults.js';
import type { LabState } from '../lab/state.js';
import { waitBehind, writeLoad } from '../lab/write-load.js';
import { execSelf } from './exec-self.js';
import { DRILL_FAULTS, type DrillFault, type FaultSpec, type FaultTarget, type Settle } from './fault-table.js';

/**
 * Applies rows of the fault table (fault-table.ts) to a lab: the one place that turns a row into
 * `lab inject` calls, a write load and the waits for the fault to show.
 */

export interface Roles {
  leader: string;
  /** the other members' nodes, in node order */
  followers: string[];
}

export interface FaultContext {
  dir: string;
  lab: LabState;
  /** the snapshot file a `snapshot` row acts on (taken by the drill before its faults) */
  snapshot?: string;
}

export interface AppliedFaults {
  /** what was done, for the report */
  text: string;
  /** the member of the last fault that names one (what triage must name) */
  node: string | undefined;
  /** the write loads the faults started (a link repaired mid-run stops them first) */
  stopLoads: () => Promise<void>;
}

/** The leader's node and the followers' nodes, read from etcd directly. */
export async function readRoles(lab: LabState): Promise<Roles> {
  const rows = await Promise.all(lab.nodes.map(async (n) => ({ ip: n.ip, st: await endpointStatus(n.ip, 2) })));
  const l = rows.find((r) => r.st !== null && r.st.leader === r.st.memberId);
  if (!l) throw makeError('TDR_LAB_FAILED', { detail: 'no leader in the lab before the fault' });
  return { leader: l.ip, followers: rows.filter((r) => r.ip !== l.ip).map((r) => r.ip) };
}

/**
 * The faults in order, each on the member its row names; the roles are read once, before the
 * first, so two rows naming followers name the members they were before any fault.
 */
export async function applyFaults(names: readonly DrillFault[], c: FaultContext): Promise<AppliedFaults> {
  let roles: Roles | undefined;
  const rolesOnce = async (): Promise<Roles> => {
    roles ??= await readRoles(c.lab);
    return roles;
  };
  const texts: string[] = [];
  const loads: (() => Promise<void>)[] = [];
  let node: string | undefined;
  try {
    for (const name of names) {
      const spec: FaultSpec = DRILL_FAULTS[name];
      if (spec.inject === 'none') continue;
      const r = await applyOne(spec, c, rolesOnce, loads);
      texts.push(r.text);
      node = r.node ?? node;
    }
  } catch (e) {
    await Promise.all(loads.map((stop) => stop()));
    throw e;
  }
  return {
    text: texts.join('; ') || 'none',
    node,
    stopLoads: async () => {
      await Promise.all(loads.splice(0).map((stop) => stop()));
    },
  };
}

async function applyOne(
  spec: FaultSpec,
  c: FaultContext,
  roles: () => Promise<Roles>,
  loads: (() => Promise<void>)[],
): Promise<{ text: string; node: string | undefined }> {
  const fault = spec.inject;
  if (fault === 'none') return { text: 'none', node: undefined };
  const nodes = await targetsOf(spec.on, c, roles);
  const said: string[] = [];
  if (spec.child) said.push(await injectInChild(c.dir, fault));
  else if (spec.on === 'snapshot') said.push(await injectFault(c.dir, fault, { file: c.snapshot }));
  else if (nodes.length === 0) said.push(await injectFault(c.dir, fault, { ...spec.options }));
  else for (const node of nodes) said.push(await injectFault(c.dir, fault, { node, ...spec.options }));
  const node = nodes.at(-1);
  const text = [`${spec.label ? `${spec.label}: ` : ''}${said.join('; ')}`];
  if (spec.load !== undefined) {
    const load = writeLoad((await roles()).leader, spec.load);
    loads.push(load.stop);
    text.push(load.describe());
  }
  for (const s of spec.settle ?? []) {
    const seen = await settle(s, node, await roles());
    if (seen) text.push(seen);
  }
  return { text: text.join('; '), node };
}

/** The nodes a row names (none for a cluster-wide fault or a file). */
async function targetsOf(on: FaultTarget, c: FaultContext, roles: () => Promise<Roles>): Promise<string[]> {
  switch (on) {
    case 'cluster':
      return [];
    case 'snapshot':
      if (c.snapshot === undefined) throw makeError('TDR_LAB_FAILED', { detail: 'no snapshot taken to corrupt' });
      return [];
    case 'majority':
      return c.lab.nodes.slice(-(Math.floor(c.lab.nodes.length / 2) + 1)).map((n) => n.ip);
    case 'leader':
      return [(await roles()).leader];
    case 'follower': {
      const r = await roles();
      return [r.followers.at(-1) ?? r.leader];
    }
    case 'first-follower': {
      const r = await roles();
      return [r.followers[0] ?? r.leader];
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline)
      throw makeError('TDR_LAB_FAILED', { detail: `${what} did not happen within ${ms / 1000}s` });
    await sleep(250);
  }
}

/** Waits for what a row's settle names; returns what was seen when the report should say it. */
async function settle(s: Settle, node: string | undefined, roles: Roles): Promise<string | undefined> {
  const { leader, followers } = roles;
  const faulted = node ?? leader;
  switch (s.until) {
    case 'no-leader':
      await until(`${faulted} losing its leader`, async () => (await endpointStatus(faulted, 2))?.leader === '0');
      return undefined;
    case 'behind':
      return waitBehind(leader, faulted, s.entries);
    case 'behind-or-no-leader':
      await until(`${faulted} falling behind or losing its leader`, async () => {
        const [l, n] = await Promise.all([endpointStatus(leader, 2), endpointStatus(faulted, 2)]);
        return n !== null && l !== null && (n.leader === '0' || l.raftIndex - n.raftIndex >= s.entries);
      });
      return undefined;
    case 'leader-change': {
      const first = (await endpointStatus(leader, 2))?.leader;
      await until('a first leader change', async () => {
        const now = await endpointStatus(followers[0] ?? leader, 2);
        return now !== null && now.leader !== '0' && now.leader !== first;
      });
      return undefined;
    }
    case 'time':
      await sleep(s.ms);
      return undefined;
  }
}

/** A cluster-wide fault through a child `talos-dr lab inject` (see the table's `child`). */
async function injectInChild(dir: string, fault: string): Promise<string> {
  const r = await execSelf('talos-dr', ['lab', 'inject', fault, '--dir', dir]);
  if (r.code !== 0)
    throw makeError('TDR_LAB_FAILED', {
      detail: `lab inject ${fault}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`,
    });
  return r.stdout.trim();
}
