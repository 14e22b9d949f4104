import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit/log-format.js';
import type { ClusterReader, ClusterReads } from '../checks/reader.js';
import { gatherReads, readsOf } from '../checks/reader.js';
import type { Member, MemberStatus } from '../talos/observations.js';

/**
 * The state an operator approves: members, leader, alarms and etcd service states of the nodes
 * involved, the nodes read and the step's target as shown, as a canonical digest and its
 * SHA-256. Fast-moving numbers (raft index, db size) are left out so only a real change of the
 * cluster voids an approval; a different target never matches.
 */
export interface ClusterDigest {
  /** the target the gate showed (node or member id), bound into the fingerprint */
  target: string | null;
  /** the nodes whose state was read */
  nodes: string[];
  members: Array<{ id: string; name: string; learner: boolean; peerUrls: string[] }>;
  leader: string[];
  alarms: Array<{ member: string; kind: string }>;
  services: Record<string, string>;
  unreachable: string[];
}

export interface GateView {
  digest: ClusterDigest;
  fingerprint: string;
  reads: ClusterReads;
  /** the member id of each node's own etcd, when status answered */
  memberOfNode: Record<string, string>;
  voters: number;
}

export async function readGateView(
  reader: ClusterReader,
  nodes: readonly string[],
  target?: { value: string },
): Promise<GateView> {
  const reads = await gatherReads(reader, readsOf(['members', 'status', 'alarms', 'service'], nodes));
  const members = new Map<string, Member>();
  const leaders = new Set<string>();
  const alarms = new Map<string, { member: string; kind: string }>();
  const services: Record<string, string> = {};
  const unreachable = new Set<string>();
  const memberOfNode: Record<string, string> = {};
  for (const node of nodes) {
    const m = reads.members[node];
    if (m?.ok) for (const x of m.value) members.set(x.id, x);
    else unreachable.add(node);
    const s = reads.status[node];
    if (s?.ok) {
      for (const x of s.value as MemberStatus[]) {
        if (x.leader !== '0000000000000000') leaders.add(x.leader);
        memberOfNode[node] = x.member;
      }
    } else unreachable.add(node);
    const a = reads.alarms[node];
    if (a?.ok) for (const x of a.value) alarms.set(`${x.member}/${x.kind}`, { member: x.member, kind: x.kind });
    const v = reads.service[node];
    // STATE only: HEALTH flaps OK/Fail on a member without quorum (every health probe times out
    // or not), which would void approvals for no change an operator would care about
    services[node] = v?.ok ? v.value.map((x) => x.state).join(',') : 'unreachable';
  }
  const digest: ClusterDigest = {
    target: target?.value ?? null,
    nodes: [...nodes].sort(),
    members: [...members.values()]
      .map((m) => ({ id: m.id, name: m.name, learner: m.learner, peerUrls: [...m.peerUrls].sort() }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    leader: [...leaders].sort(),
    alarms: [...alarms.values()].sort((a, b) => `${a.member}${a.kind}`.localeCompare(`${b.member}${b.kind}`)),
    services,
    unreachable: [...unreachable].sort(),
  };
  const voters = digest.members.filter((m) => !m.learner).length;
  return { digest, fingerprint: fingerprintOf(digest), reads, memberOfNode, voters };
}

export function fingerprintOf(digest: ClusterDigest): string {
  return createHash('sha256').update(canonicalJson(digest), 'utf8').digest('hex');
}

/** What changed between two digests, in one line ("leader a → b; alarms NOSPACE → none"). */
export function describeDrift(a: ClusterDigest, b: ClusterDigest): string {
  const parts: string[] = [];
  if ((a.target ?? null) !== (b.target ?? null)) parts.push(`target ${a.target ?? 'none'} → ${b.target ?? 'none'}`);
  if ((a.nodes ?? []).join() !== (b.nodes ?? []).join())
    parts.push(`nodes ${(a.nodes ?? []).join(',')} → ${(b.nodes ?? []).join(',')}`);
  const ids = (d: ClusterDigest) => d.members.map((m) => `${m.id}${m.learner ? '(learner)' : ''}`).join(',') || 'none';
  if (ids(a) !== ids(b)) parts.push(`members ${ids(a)} → ${ids(b)}`);
  if (a.leader.join() !== b.leader.join())
    parts.push(`leader ${a.leader.join(',') || 'none'} → ${b.leader.join(',') || 'none'}`);
  const al = (d: ClusterDigest) => d.alarms.map((x) => `${x.kind}@${x.member}`).join(',') || 'none';
  if (al(a) !== al(b)) parts.push(`alarms ${al(a)} → ${al(b)}`);
  for (const n of new Set([...Object.keys(a.services), ...Object.keys(b.services)])) {
    if (a.services[n] !== b.services[n]) parts.push(`etcd on ${n} ${a.services[n] ?? '?'} → ${b.services[n] ?? '?'}`);
  }
  if (a.unreachable.join() !== b.unreachable.join())
    parts.push(`unreachable ${a.unreachable.join(',') || 'none'} → ${b.unreachable.join(',') || 'none'}`);
  return parts.join('; ') || 'the cluster state differs';
}
