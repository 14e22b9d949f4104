import { isMemberAlive } from './cluster.js';
import { clientUrl } from './etcdctl.js';
import { rpcError } from './format.js';
import { type LabState, type NodeRecord, readNode } from './state.js';
import { DEFAULT_LAB_TALOS_VERSION, reportNodeErrors, type TalosProfile, talosProfile } from './talos-versions.js';

/**
 * What every shim command gets: the lab, the -n nodes as typed, and the ways a node can fail as
 * talosctl would report it (a machine that is off, an etcd that is not listening).
 */

export interface ShimIo {
  out(text: string): void;
  err(text: string): void;
}

export interface ShimCtx {
  readonly dir: string;
  readonly lab: LabState;
  readonly nodes: readonly string[];
  readonly args: readonly string[];
  readonly flags: ReadonlyMap<string, readonly string[]>;
  readonly io: ShimIo;
}

/** A per-node failure, printed as `error from node <n>: <message>` by multi-node commands. */
export class NodeError extends Error {}

export const flag = (ctx: ShimCtx, name: string): string | undefined => ctx.flags.get(name)?.at(-1);
export const flagBool = (ctx: ShimCtx, name: string, dflt: boolean): boolean => {
  const v = flag(ctx, name);
  return v === undefined ? dflt : v !== 'false';
};

const apidRefused = (node: string): string =>
  rpcError(
    'Unavailable',
    `connection error: desc = "transport: Error while dialing: dial tcp ${node}:50000: connect: connection refused"`,
  );

export const etcdRefused = rpcError(
  'Unavailable',
  'connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"',
);

/** The node's record when its machine is up (apid answers); a NodeError otherwise. */
export function machine(ctx: ShimCtx, node: string): NodeRecord {
  const spec = ctx.lab.nodes.find((n) => n.ip === node);
  const rec = spec ? readNode(ctx.dir, spec.name) : null;
  if (!rec || rec.mode === 'down') throw new NodeError(apidRefused(node));
  return rec;
}

/** The node's record when its local etcd process exists (it may still be frozen). */
export function localEtcd(ctx: ShimCtx, node: string): NodeRecord {
  const rec = machine(ctx, node);
  if (rec.mode !== 'run' || !isMemberAlive(ctx.dir, rec)) throw new NodeError(etcdRefused);
  return rec;
}

/** Client endpoints of all running lab members (Talos's "all control plane endpoints"). */
export function clusterEndpoints(ctx: ShimCtx, first?: string): string[] {
  const eps = ctx.lab.nodes
    .map((n) => readNode(ctx.dir, n.name))
    .filter((r): r is NodeRecord => r !== null && r.mode === 'run' && !r.frozen && isMemberAlive(ctx.dir, r))
    .map((r) => clientUrl(r.ip));
  if (first) return [clientUrl(first), ...eps.filter((e) => e !== clientUrl(first))];
  return eps;
}

/** The per-node failures of one multi-node call, and how many nodes answered. */
export interface NodeFailures {
  readonly list: readonly { node: string; message: string }[];
  readonly answered: number;
}

/**
 * Runs `fn` for every node in parallel; returns the rows in node order and the failures, which
 * `finish` reports as the lab's Talos version does (see talos-versions.ts).
 */
export async function perNode(
  ctx: ShimCtx,
  fn: (node: string) => Promise<string[]>,
): Promise<{ rows: string[]; errors: NodeFailures }> {
  const results = await Promise.all(
    ctx.nodes.map(async (node) => {
      try {
        return { rows: await fn(node), error: null };
      } catch (e) {
        const message = e instanceof NodeError ? e.message : String(e instanceof Error ? e.message : e);
        return { rows: [], error: { node, message } };
      }
    }),
  );
  return {
    rows: results.flatMap((r) => r.rows),
    errors: {
      list: results.flatMap((r) => (r.error ? [r.error] : [])),
      answered: results.filter((r) => r.error === null).length,
    },
  };
}

/** The Talos behaviour the lab answers with. */
export const profileOf = (ctx: Pick<ShimCtx, 'lab'>): TalosProfile =>
  talosProfile(ctx.lab.talosVersion ?? DEFAULT_LAB_TALOS_VERSION, ctx.lab.dedicatedEtcd === true);

/** Prints a multi-node call's failures as its Talos version does; returns the exit code. */
export function finish(ctx: ShimCtx, errors: NodeFailures, verb: string): number {
  const r = reportNodeErrors(profileOf(ctx), verb, errors.list, errors.answered);
  if (r.text !== '') ctx.io.err(r.text);
  return r.code;
}
