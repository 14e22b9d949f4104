import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { rpcError, tabwrite } from './format.js';
import { finish, flag, machine, NodeError, perNode, profileOf, type ShimCtx } from './shim-context.js';

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
  if (VOLUME_NAMES.has(kind)) return getVolumeStatus(ctx);
  if (!NAMES.has(kind) || ctx.args.length > 1) {
    ctx.io.err(
      `talosctl-lab: only "get info" (${TYPE}) and "get volumestatus ETCD" are supported${kind ? `, not "${ctx.args.join(' ')}"` : ': name a resource'}\n`,
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
  return finish(ctx, errors, 'error getting resource');
}

const VOLUME_TYPE = 'VolumeStatuses.block.talos.dev';
const VOLUME_NAMES = new Set(['volumestatus', 'volumestatuses', 'volumestatuses.block', VOLUME_TYPE.toLowerCase()]);

/**
 * `get volumestatus ETCD`: NotFound before Talos 1.12 (no ETCD volume), a directory under
 * EPHEMERAL on 1.12+, a partition on a 1.14 lab with a dedicated ETCD volume (lab up
 * --etcd-volume dedicated). Fields as the VolumeStatus resource has them; derived from source.
 */
async function getVolumeStatus(ctx: ShimCtx): Promise<number> {
  if (ctx.args[1] !== 'ETCD' || ctx.args.length !== 2) {
    ctx.io.err(`talosctl-lab: only "get volumestatus ETCD" is supported, not "${ctx.args.join(' ')}"\n`);
    return 1;
  }
  const output = flag(ctx, 'output') ?? 'table';
  if (!['json', 'table'].includes(output)) {
    ctx.io.err(`talosctl-lab: get volumestatus supports -o json and the table, not "${output}"\n`);
    return 1;
  }
  const layout = profileOf(ctx).etcdVolume;
  const { rows, errors } = await perNode(ctx, async (node) => {
    machine(ctx, node); // a machine that is off does not answer
    if (layout === 'none')
      throw new NodeError(rpcError('NotFound', `resource ${VOLUME_TYPE}(runtime/ETCD@undefined) doesn't exist`));
    const spec =
      layout === 'partition'
        ? {
            location: '/dev/vda5',
            mountLocation: '/var/lib/etcd',
            parentLocation: '/dev/vda',
            partitionIndex: 5,
            phase: 'ready',
            prettySize: '1.1 GB',
            size: 1073741824,
            type: 'partition',
          }
        : { mountLocation: '/var/lib/etcd', parentID: 'EPHEMERAL', phase: 'ready', type: 'directory' };
    const meta = {
      created: ctx.lab.createdAt,
      id: 'ETCD',
      namespace: 'runtime',
      owner: 'block.VolumeManagerController',
      phase: 'running',
      type: VOLUME_TYPE,
      updated: ctx.lab.createdAt,
      version: 1,
    };
    if (output === 'json') return [`${JSON.stringify({ metadata: meta, node, spec }, null, 4)}\n`];
    return [
      `${node}\truntime\tVolumeStatus\tETCD\t1\t${spec.type}\tready\t${'location' in spec ? spec.location : ''}\t${'prettySize' in spec ? spec.prettySize : ''}`,
    ];
  });
  if (output === 'table')
    ctx.io.out(tabwrite(['NODE\tNAMESPACE\tTYPE\tID\tVERSION\tTYPE\tPHASE\tLOCATION\tSIZE', ...rows]));
  else ctx.io.out(rows.join(''));
  return finish(ctx, errors, 'error getting resource');
}
