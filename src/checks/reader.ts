import type { Alarm, EtcdVolume, Member, MemberStatus, NodeTime, ServiceState } from '../talos/observations.js';
import type { ReadCause } from './read-cause.js';

/**
 * The read port of checks and observations: what the engine can ask one node about etcd.
 * The engine implements it over the talosctl adapter (one `-n <node>` call each, with a hard
 * timeout); tests use an in-memory fake. Checks never see processes, only these answers.
 */

/** Opaque id of the recorded command behind an answer, so the journal can link evidence. */
export type RawRef = string;

/**
 * One node's answer: a value, or why there is none (`unreachable`: timeout or no answer at all;
 * `cause`: the class of failure checks reason about, see read-cause.ts).
 */
export type Read<T> =
  | { ok: true; value: T; raw?: RawRef }
  | { ok: false; reason: string; unreachable: boolean; cause?: ReadCause; raw?: RawRef };

export interface ClusterReader {
  /** `etcd members` as the node's etcd sees the list */
  members(node: string): Promise<Read<Member[]>>;
  /** `etcd status` of the node's own member */
  status(node: string): Promise<Read<MemberStatus[]>>;
  /** `etcd alarm list` (empty list when no alarm is raised) */
  alarms(node: string): Promise<Read<Alarm[]>>;
  /** `service etcd` */
  service(node: string): Promise<Read<ServiceState[]>>;
  /**
   * The etcd revision of the node's member (the store's current revision). Optional: talosctl's
   * etcd commands do not print it, so the engine implements it only where it has an honest source
   * (e.g. etcdctl endpoint status against the lab). When absent, checks that need it answer
   * 'unknown' with that reason; no value is ever invented.
   */
  revision?(node: string): Promise<Read<number>>;
  /** `time`: the node's clock next to its NTP server's */
  time(node: string): Promise<Read<NodeTime[]>>;
  /** `get volumestatus ETCD`: where the node keeps etcd's data */
  volume(node: string): Promise<Read<EtcdVolume[]>>;
}

export type ReadKind = 'members' | 'status' | 'alarms' | 'service' | 'revision' | 'time' | 'volume';

/** Which read of which node a check or observation needs (for plans and dry runs). */
export interface ReadRequest {
  kind: ReadKind;
  node: string;
}

/** Everything gathered for one evaluation, by kind then node. Only the requested entries exist. */
export interface ClusterReads {
  members: Record<string, Read<Member[]>>;
  status: Record<string, Read<MemberStatus[]>>;
  alarms: Record<string, Read<Alarm[]>>;
  service: Record<string, Read<ServiceState[]>>;
  revision: Record<string, Read<number>>;
  time: Record<string, Read<NodeTime[]>>;
  volume: Record<string, Read<EtcdVolume[]>>;
}

export function emptyReads(): ClusterReads {
  return { members: {}, status: {}, alarms: {}, service: {}, revision: {}, time: {}, volume: {} };
}

/** The reason given when the engine provides no revision source. */
export const NO_REVISION_SOURCE = 'no source of member revisions is available (talosctl does not print them)';

/** Runs the requested reads in parallel. A read that throws becomes a failed Read: never a rejection. */
export async function gatherReads(reader: ClusterReader, requests: readonly ReadRequest[]): Promise<ClusterReads> {
  const reads = emptyReads();
  await Promise.all(
    requests.map(async ({ kind, node }) => {
      const answer = await readOne(reader, kind, node);
      (reads[kind] as Record<string, Read<unknown>>)[node] = answer;
    }),
  );
  return reads;
}

async function readOne(reader: ClusterReader, kind: ReadKind, node: string): Promise<Read<unknown>> {
  try {
    if (kind === 'revision') {
      if (!reader.revision) return { ok: false, reason: NO_REVISION_SOURCE, unreachable: false };
      return await reader.revision(node);
    }
    return await reader[kind](node);
  } catch (e) {
    return { ok: false, reason: `read failed: ${e instanceof Error ? e.message : String(e)}`, unreachable: false };
  }
}

/** The raw refs behind a set of reads, for the journal's evidence links. */
export function evidenceOf(reads: ClusterReads): RawRef[] {
  const refs: RawRef[] = [];
  for (const byNode of Object.values(reads) as Record<string, Read<unknown>>[]) {
    for (const r of Object.values(byNode)) if (r.raw !== undefined) refs.push(r.raw);
  }
  return refs;
}

/** One request per node for each kind. */
export function readsOf(kinds: readonly ReadKind[], nodes: readonly string[]): ReadRequest[] {
  return kinds.flatMap((kind) => nodes.map((node) => ({ kind, node })));
}

/**
 * Snapshot file port of `snapshot-verified`: file size from the filesystem, and hash/revision/keys
 * from `etcdutl snapshot status` (or the captured `talosctl etcd snapshot` output).
 */
export interface SnapshotReader {
  stat(path: string): Promise<{ bytes: number } | null>;
  status(
    path: string,
  ): Promise<{ hash: string; revision: number; totalKeys: number; totalSize: number } | { error: string }>;
}
