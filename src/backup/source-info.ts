import type { AnyRecord } from '../audit/log-format.js';
import { readJournal } from '../audit/read.js';
import { parseStatus } from '../talos/parse/status.js';
import type { Talosctl } from '../talos/talosctl.js';

/**
 * What a catalog entry says about where a snapshot came from, read, never invented: the node and
 * the snapshot's facts from the backup-snapshot run's own log (its `source` observation and its
 * `snapshot-verified` check), the Talos version from `talosctl version` (the Server section),
 * the etcd version from `etcd status`'s PROTOCOL column. What cannot be read is 'unknown'.
 */

export interface RunFacts {
  node: string | undefined;
  etcdHash: string | undefined;
  revision: number | undefined;
  totalKeys: number | undefined;
}

export function factsFromRecords(records: readonly AnyRecord[]): RunFacts {
  const facts: RunFacts = { node: undefined, etcdHash: undefined, revision: undefined, totalKeys: undefined };
  for (const r of records) {
    if (r.type === 'observation' && r.payload.step === 'source' && typeof r.payload.outputs.node === 'string')
      facts.node = r.payload.outputs.node;
    if (r.type === 'check' && r.payload.name === 'snapshot-verified' && r.payload.verdict === 'pass') {
      const o = r.payload.observed;
      if (typeof o.hash === 'string') facts.etcdHash = o.hash;
      if (typeof o.revision === 'number') facts.revision = o.revision;
      if (typeof o.totalKeys === 'number') facts.totalKeys = o.totalKeys;
    }
  }
  return facts;
}

export function factsFromLog(path: string): RunFacts {
  return factsFromRecords(readJournal(path).records);
}

/** The Talos tag of the Server section of `talosctl version` (`Tag: v1.14.0` or `Talos v1.14.0`). */
export function parseServerTag(stdout: string): string | undefined {
  let server = false;
  for (const raw of stdout.split('\n')) {
    const line = raw.trim();
    if (/^Server:$/.test(line)) server = true;
    else if (/^Client:$/.test(line)) server = false;
    else if (server) {
      const m = /^(?:Tag:|Talos)\s+(v?\d+\.\d+\.\d+\S*)$/.exec(line);
      if (m?.[1]) return m[1];
    }
  }
  return undefined;
}

/** `spec.clusterName` of `talosctl get info -o json`, or '' (the catalog is keyed on the id). */
export function parseClusterName(stdout: string): string {
  return /"clusterName":\s*"([^"\\]*)"/.exec(stdout)?.[1] ?? '';
}

export async function readVersions(
  talosctl: Talosctl,
  node: string,
  opts: { signal?: AbortSignal; timeoutMs?: number },
): Promise<{ talosVersion: string; etcdVersion: string }> {
  const run = { timeoutMs: opts.timeoutMs ?? 15_000, ...(opts.signal ? { signal: opts.signal } : {}) };
  const [version, status] = await Promise.all([
    talosctl.run(node, ['version', '--short'], run),
    talosctl.run(node, ['etcd', 'status'], run),
  ]);
  const talosVersion = (version.exitCode === 0 ? parseServerTag(version.stdout) : undefined) ?? 'unknown';
  const rows = status.exitCode === 0 ? parseStatus(status.stdout) : undefined;
  const row = rows?.ok ? (rows.value.find((r) => r.node === node) ?? rows.value[0]) : undefined;
  return { talosVersion, etcdVersion: row?.protocol ?? 'unknown' };
}
