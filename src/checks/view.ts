import type { Member, MemberStatus } from '../talos/observations.js';
import type { ClusterReads, Read } from './reader.js';
import { type Json, listText } from './verdict.js';

/**
 * Pure helpers shared by checks and observations: who answered, who did not and why, which
 * member runs on which node, and whether the answering members agree on a leader.
 */

export const NO_LEADER = '0000000000000000';

export interface Failed {
  node: string;
  reason: string;
  unreachable: boolean;
}

export interface Answers<T> {
  answered: { node: string; value: T }[];
  failed: Failed[];
}

/** Splits one kind of read over the asked nodes; a node with no entry counts as not read. */
export function answers<T>(byNode: Record<string, Read<T>>, nodes: readonly string[]): Answers<T> {
  const out: Answers<T> = { answered: [], failed: [] };
  for (const node of nodes) {
    const r = byNode[node];
    if (r === undefined) out.failed.push({ node, reason: 'not read', unreachable: false });
    else if (r.ok) out.answered.push({ node, value: r.value });
    else out.failed.push({ node, reason: r.reason, unreachable: r.unreachable });
  }
  return out;
}

/** "127.0.0.13 did not answer (timeout)" for one or several nodes. */
export function failedText(failed: readonly Failed[]): string {
  return failed
    .map((f) => `${f.node} ${f.unreachable ? 'did not answer' : 'answered with an error'} (${f.reason})`)
    .join('; ');
}

/** What to log about the nodes that gave no answer. */
export function failedJson(failed: readonly Failed[]): Json {
  return Object.fromEntries(failed.map((f) => [f.node, { reason: f.reason, unreachable: f.unreachable }]));
}

/**
 * The node's own row of `etcd status -n <node>`: the row whose NODE is the node, or the only row
 * when talosctl printed no NODE column. Never another node's row: that would be a guess.
 */
export function ownStatusRow(value: readonly MemberStatus[], node: string): MemberStatus | undefined {
  const mine = value.filter((r) => r.node === node);
  if (mine.length === 1) return mine[0];
  if (mine.length === 0 && value.length === 1 && value[0]?.node === '') return value[0];
  return undefined;
}

/** The status row of each answering node's own member; a node without exactly one is not seen. */
export function statusRows(reads: ClusterReads, nodes: readonly string[]): Answers<MemberStatus> {
  const a = answers(reads.status, nodes);
  const out: Answers<MemberStatus> = { answered: [], failed: [...a.failed] };
  for (const { node, value } of a.answered) {
    const row = ownStatusRow(value, node);
    if (row) out.answered.push({ node, value: row });
    else
      out.failed.push({
        node,
        reason: value.length === 0 ? 'etcd status printed no row' : `etcd status printed no row of its own for ${node}`,
        unreachable: false,
      });
  }
  return out;
}

export type LeaderView =
  | { kind: 'none-answered' }
  | { kind: 'agreed'; leader: string; voters: number }
  | { kind: 'no-leader'; without: { node: string; member: string }[] }
  | { kind: 'split'; byLeader: Record<string, string[]> };

/** Whether every answering member names the same, non-zero leader. */
export function leaderView(rows: readonly { node: string; value: MemberStatus }[]): LeaderView {
  if (rows.length === 0) return { kind: 'none-answered' };
  const without = rows.filter((r) => r.value.leader === NO_LEADER || r.value.leader === '');
  if (without.length > 0)
    return { kind: 'no-leader', without: without.map((r) => ({ node: r.node, member: r.value.member })) };
  const byLeader: Record<string, string[]> = {};
  for (const r of rows) byLeader[r.value.leader] = [...(byLeader[r.value.leader] ?? []), r.node];
  const leaders = Object.keys(byLeader);
  if (leaders.length === 1 && leaders[0] !== undefined)
    return { kind: 'agreed', leader: leaders[0], voters: rows.length };
  return { kind: 'split', byLeader };
}

export function leaderViewText(v: Exclude<LeaderView, { kind: 'agreed' }>): string {
  switch (v.kind) {
    case 'none-answered':
      return 'no member answered etcd status';
    case 'no-leader':
      return `${listText(v.without.map((w) => `member ${w.member} on ${w.node}`))} ${v.without.length === 1 ? 'knows' : 'know'} no leader`;
    case 'split':
      return `members disagree on the leader: ${Object.entries(v.byLeader)
        .map(([l, ns]) => `${listText(ns)} ${ns.length === 1 ? 'says' : 'say'} ${l}`)
        .join('; ')}`;
  }
}

/** Host part of an etcd URL (brackets of IPv6 literals removed), or undefined. */
export function urlHost(url: string): string | undefined {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/** The node (among `nodes`) a member runs on: from its status row, else from its URLs. */
export function nodeOfMember(
  member: string,
  rows: readonly { node: string; value: MemberStatus }[],
  lists: readonly { node: string; value: Member[] }[],
  nodes: readonly string[],
): string | undefined {
  const byStatus = rows.find((r) => r.value.member === member);
  if (byStatus) return byStatus.node;
  for (const { value } of lists) {
    const m = value.find((x) => x.id === member);
    if (!m) continue;
    const hosts = [...m.peerUrls, ...m.clientUrls].map(urlHost);
    const node = nodes.find((n) => hosts.includes(n));
    if (node) return node;
  }
  return undefined;
}

/** Union of the member lists of the answering nodes, by id (first seen wins). */
export function unionMembers(lists: readonly { node: string; value: Member[] }[]): Member[] {
  const seen = new Map<string, Member>();
  for (const { value } of lists) for (const m of value) if (!seen.has(m.id)) seen.set(m.id, m);
  return [...seen.values()];
}
