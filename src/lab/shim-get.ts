import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { flag, machine, perNode, type ShimCtx } from './shim-context.js';
import { finish } from './shim-etcd.js';

/**
 * `talosctl get info [-o json|yaml]`: the `Infos.cluster.talos.dev` resource (namespace cluster,
 * id current; Talos ≥ 1.4), whose spec.clusterId comes from the machine config, so it answers
 * while etcd is down. talos-dr locks a cluster by that id. The lab's id is derived from the lab's
 * directory (its identity): base64 of SHA-256 of the absolute path, like a real 32-byte id, and
 * clusterName "talos-dr-lab". Output as talosctl prints it: JSON objects (Go sorts map keys,
 * 4-space indent) one per node, YAML documents separated by `---`, or the table.
 */

const TYPE = 'Infos.cluster.talos.dev';
const NAMES = new Set(['info', 'infos', 'infos.cluster', 'infos.cluster.talos.dev']);

export function labClusterId(dir: string): string {
  return createHash('sha256').update(resolve(dir), 'utf8').digest('base64');
}

export async function getResource(ctx: ShimCtx): Promise<number> {
  const kind = (ctx.args[0] ?? '').toLowerCase();
  if (!NAMES.has(kind)) {
    ctx.io.err(
      `talosctl-lab: only "get info" (${TYPE}) is supported${kind ? `, not "${ctx.args[0]}"` : ': name a resource'}\n`,
    );
    return 1;
  }
  const output = flag(ctx, 'output') ?? 'table';
  if (!['json', 'yaml', 'table'].includes(output)) {
    ctx.io.err(`unknown output format: "${output}"\n`);
    return 1;
  }
  const id = labClusterId(ctx.dir);
  const created = ctx.lab.createdAt;
  const { rows, errors } = await perNode(ctx, async (node) => {
    machine(ctx, node); // a machine that is off does not answer; etcd need not be up
    const meta = {
      created,
      id: 'current',
      namespace: 'cluster',
      owner: 'cluster.InfoController',
      phase: 'running',
      type: TYPE,
      updated: created,
      version: 1,
    };
    const spec = { clusterId: id, clusterName: 'talos-dr-lab' };
    if (output === 'json') return [`${JSON.stringify({ metadata: meta, node, spec }, null, 4)}\n`];
    if (output === 'yaml')
      return [
        `node: ${node}\nmetadata:\n    namespace: cluster\n    type: ${TYPE}\n    id: current\n    version: 1\n    owner: cluster.InfoController\n    phase: running\n    created: ${created}\n    updated: ${created}\nspec:\n    clusterId: ${id}\n    clusterName: talos-dr-lab\n---\n`,
      ];
    return [`${node}   cluster   Info   current   1         ${id}   talos-dr-lab\n`];
  });
  if (output === 'table' && rows.length > 0)
    ctx.io.out(`NODE        NAMESPACE   TYPE   ID        VERSION   CLUSTER ID   CLUSTER NAME\n`);
  ctx.io.out(rows.join(''));
  return finish(ctx, errors);
}
