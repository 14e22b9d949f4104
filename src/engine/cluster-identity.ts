import { makeError } from '../io/errors.js';
import { DEFAULTS } from '../runbook/normalize.js';
import { splitJsonStream } from '../talos/parse/json-stream.js';
import { parseMembers } from '../talos/parse/members.js';
import type { Talosctl } from '../talos/talosctl.js';

/**
 * Which cluster a run is about to change, read from the cluster itself, so the lock is keyed on
 * the cluster and not on how it is reached (`--endpoints 10.5.0.2` and `10.5.0.2,10.5.0.3` are
 * one cluster). In order:
 * 1. `talosctl get info -o json` (Talos ≥ 1.4, resource Infos.cluster.talos.dev): spec.clusterId
 *    comes from the machine config, so it is stable while etcd has lost quorum and while members
 *    are removed. Nodes that answer with different ids are refused (exit 4).
 * 2. the sorted etcd member ids (`etcd members`), with a warning: they change when a member is
 *    removed or added, so another run that reads the list at another moment gets another key.
 * 3. the sorted set of nodes and endpoints, with a warning: the old, weak key.
 * The identity is recorded in the run-start; resume reads it again and refuses another cluster.
 */
export interface ClusterIdentity {
  source: 'talos-cluster-id' | 'etcd-member-ids' | 'addresses';
  value: string;
  /** the node(s) that answered */
  readFrom: string[];
  warning?: string;
}

/** The lock key of an identity. */
export function identityKey(id: Pick<ClusterIdentity, 'source' | 'value'>): string {
  return `${id.source}:${id.value}`;
}

/** The spec.clusterId of every resource in talosctl's JSON output (concatenated objects). */
export function parseClusterIds(stdout: string): string[] {
  return splitJsonStream(stdout)
    .objects.map((o) => (o as { spec?: { clusterId?: unknown } }).spec?.clusterId)
    .filter((id): id is string => typeof id === 'string' && id !== '');
}

export async function readClusterIdentity(
  talosctl: Talosctl,
  nodes: readonly string[],
  opts: { endpoints: readonly string[]; signal?: AbortSignal; timeoutMs?: number },
): Promise<ClusterIdentity> {
  const run = { timeoutMs: opts.timeoutMs ?? DEFAULTS.readTimeoutMs, ...(opts.signal ? { signal: opts.signal } : {}) };
  if (nodes.length > 0) {
    const info = await talosctl.runEach(nodes, ['get', 'info', '--output', 'json'], run);
    const seen = new Map<string, string[]>();
    for (const r of info) {
      if (r.exitCode !== 0) continue;
      for (const id of parseClusterIds(r.stdout)) seen.set(id, [...(seen.get(id) ?? []), r.node]);
    }
    if (seen.size > 1)
      throw makeError('TDR_CLUSTER_AMBIGUOUS', {
        detail: [...seen].map(([id, ns]) => `${ns.join(', ')} → cluster id ${id}`).join('; '),
      });
    const [only] = seen;
    if (only) return { source: 'talos-cluster-id', value: only[0], readFrom: only[1] };
    // a node that did not even answer `get info` (its apid) is not asked again: it would not answer
    const answered = nodes.filter((n) => !info.some((r) => r.node === n && r.timedOut));
    const members = answered.length === 0 ? [] : await talosctl.runEach(answered, ['etcd', 'members'], run);
    for (const r of members) {
      if (r.exitCode !== 0) continue;
      const p = parseMembers(r.stdout);
      if (!p.ok || p.value.length === 0) continue;
      return {
        source: 'etcd-member-ids',
        value: p.value
          .map((m) => m.id)
          .sort()
          .join(','),
        readFrom: [r.node],
        warning: `no node answered \`talosctl get info\` with a cluster id (Talos < 1.4?): the lock is keyed on the etcd member ids, which change when a member is removed or added`,
      };
    }
  }
  const addresses = [...new Set([...nodes, ...opts.endpoints])].sort();
  return {
    source: 'addresses',
    value: addresses.join(','),
    readFrom: [],
    warning: `no node told which cluster it belongs to: the lock is keyed on the addresses ${addresses.join(', ') || '(none)'}; another run reaching the same cluster by other addresses is not stopped by it`,
  };
}
