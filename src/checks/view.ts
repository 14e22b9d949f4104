import type { Member, MemberStatus } from '../talos/observations.js';
import { CAUSE_WORDS, causeOf, ETCD_SILENT, type ReadCause } from './read-cause.js';
import type { ClusterReads, Read } from './reader.js';
import { type Json, listText } from './verdict.js';
import { leaderText, memberText } from './words.js';

/**
 * Pure helpers shared by checks and observations: who answered, who did not and why, which
 * member runs on which node, and whether the answering members agree on a leader.
 */

export const NO_LEADER = '0000000000000000';

/** Why a node was not seen: a read cause, no entry at all, or an answer without a row of its own. */
export type UnseenCause = ReadCause | 'not-read' | 'no-row';

export interface Failed {
  node: string;
  reason: string;
  unreachable: boolean;
  cause: UnseenCause;
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
    if (r === undefined) out.failed.push({ node, reason: 'not read', unreachable: false, cause: 'not-read' });
    else if (r.ok) out.answered.push({ node, value: r.value });
    else out.failed.push({ node, reason: r.reason, unreachable: r.unreachable, cause: causeOf(r) });
  }
  return out;
}

/**
 * The node's etcd positively gives no answer (node or etcd refused, or no leader): a fact about
 * the cluster. Anything else that was not seen (PermissionDenied, a certificate, output not
 * understood, a missing row, a timeout) is a gap in what we know.
 */
export function isSilent(f: Failed): boolean {
  return f.cause !== 'not-read' && f.cause !== 'no-row' && ETCD_SILENT.has(f.cause);
}

/** The cause and reason of one failure, without the node: `its etcd refused the connection: …`. */
export function failedDetail(f: Failed): string {
  if (f.cause === 'not-read' || f.cause === 'no-row' || f.cause === 'error' || f.cause === 'node-unreachable')
    return f.reason;
  const words = CAUSE_WORDS[f.cause];
  return f.reason === '' ? words : f.reason.includes(words) ? f.reason : `${words}: ${f.reason}`;
}

/** "127.0.0.13 did not answer (timeout)" for one or several nodes, with the cause of each. */
export function failedText(failed: readonly Failed[]): string {
  return failed
    .map((f) => {
      if (f.cause === 'not-read') return `${f.node} was not read`;
      if (f.cause === 'no-row') return `${f.node}: ${f.reason}`;
      return `${f.node} ${f.unreachable ? 'did not answer' : 'answered with an error'} (${failedDetail(f)})`;
    })
    .join('; ');
}

/**
 * The summary of a verdict that cannot tell because some member lists were not seen: what the
 * lists that answered showed, and which nodes did not answer and why.
 */
export function listsNotSeen(a: Answers<unknown>, seen: string, unseen: readonly Failed[] = a.failed): string {
  return a.answered.length === 0
    ? `no node listed the members: ${failedText(a.failed)}`
    : `${seen}, but ${failedText(unseen)}`;
}

/** What to log about the nodes that gave no answer. */
export function failedJson(failed: readonly Failed[]): Json {
  return Object.fromEntries(failed.map((f) => [f.node, { cause: f.cause, reason: f.reason }]));
}

/** The failures of several reads of the same nodes, each node named once (its first failure). */
export function firstFailures(...lists: readonly (readonly Failed[])[]): Failed[] {
  const out: Failed[] = [];
  for (const list of lists) for (const f of list) if (!out.some((x) => x.node === f.node)) out.push(f);
  return out;
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
        reason: value.length === 0 ? 'etcd status printed no row' : 'etcd status printed no row of its own',
        unreachable: false,
        cause: 'no-row',
      });
  }
  return out;
}

/** `node` of a leader: where its own status row was read (undefined when it was not among them). */
export type LeaderView =
  | { kind: 'none-answered' }
  | { kind: 'agreed'; leader: string; voters: number; node: string | undefined }
  | { kind: 'no-leader'; without: { node: string; member: string }[] }
  | { kind: 'split'; byLeader: Record<string, string[]>; nodeOf: Record<string, string | undefined> };

/** Whether every answering member names the same, non-zero leader. */
export function leaderView(rows: readonly { node: string; value: MemberStatus }[]): LeaderView {
  if (rows.length === 0) return { kind: 'none-answered' };
  const without = rows.filter((r) => r.value.leader === NO_LEADER || r.value.leader === '');
  if (without.length > 0)
    return { kind: 'no-leader', without: without.map((r) => ({ node: r.node, member: r.value.member })) };
  const byLeader: Record<string, string[]> = {};
  for (const r of rows) byLeader[r.value.leader] = [...(byLeader[r.value.leader] ?? []), r.node];
  const nodeOf = (id: string) => rows.find((r) => r.value.member === id)?.node;
  const leaders = Object.keys(byLeader);
  if (leaders.length === 1 && leaders[0] !== undefined)
    return { kind: 'agreed', leader: leaders[0], voters: rows.length, node: nodeOf(leaders[0]) };
  return { kind: 'split', byLeader, nodeOf: Object.fromEntries(leaders.map((l) => [l, nodeOf(l)])) };
}

/**
 * Members that know no leader while the others agree on one: cut off from the majority by a
 * partition on their side. Said instead of a plain "no leader", because the fix is the network,
 * and a resync or a replacement of a member that cannot reach its peers would not help.
 */
export function cutOffText(rows: readonly { node: string; value: MemberStatus }[]): string | undefined {
  const without = rows.filter((r) => r.value.leader === NO_LEADER || r.value.leader === '');
  const lv = leaderView(rows.filter((r) => !without.includes(r)));
  if (without.length === 0 || lv.kind !== 'agreed' || lv.voters <= without.length) return undefined;
  const cut = listText(without.map((w) => memberText(w.value.member, w.node)));
  const one = without.length === 1;
  return `${cut} ${one ? 'knows' : 'know'} no leader while ${fmtCount(lv.voters)} follow ${leaderText(lv.leader, lv.node)}: ${one ? 'it is' : 'they are'} cut off from the majority (a network partition on ${one ? 'its' : 'their'} side); fix the network first — a resync or a replacement would not help while ${one ? 'it is' : 'they are'} cut off`;
}

const fmtCount = (n: number): string => `${n} member${n === 1 ? '' : 's'}`;

export function leaderViewText(v: Exclude<LeaderView, { kind: 'agreed' }>): string {
  switch (v.kind) {
    case 'none-answered':
      return 'no member answered etcd status';
    case 'no-leader':
      return `${listText(v.without.map((w) => memberText(w.member, w.node)))} ${v.without.length === 1 ? 'knows' : 'know'} no leader`;
    case 'split':
      return `members disagree on the leader: ${Object.entries(v.byLeader)
        .map(
          ([l, ns]) =>
            `${listText(ns)} ${ns.length === 1 ? 'says' : 'say'} ${l}${v.nodeOf[l] === undefined ? '' : ` on ${v.nodeOf[l]}`}`,
        )
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

/**
 * The id of the member on `node`: its own status row, else the one listed member whose peer or
 * client URL is on it (undefined when none or several are).
 */
export function idOnNode(
  node: string,
  rows: readonly { node: string; value: MemberStatus }[],
  lists: readonly { node: string; value: Member[] }[],
): string | undefined {
  const row = rows.find((r) => r.node === node);
  if (row) return row.value.member;
  const at = unionMembers(lists).filter((m) => [...m.peerUrls, ...m.clientUrls].some((u) => urlHost(u) === node));
  return at.length === 1 ? at[0]?.id : undefined;
}

/** Union of the member lists of the answering nodes, by id (first seen wins). */
export function unionMembers(lists: readonly { node: string; value: Member[] }[]): Member[] {
  const seen = new Map<string, Member>();
  for (const { value } of lists) for (const m of value) if (!seen.has(m.id)) seen.set(m.id, m);
  return [...seen.values()];
}

/** One voter as a quorum check sees it: healthy, positively not (with why), or not seen (with why). */
export type VoterSight = { id: string; state: 'healthy' | 'out' | 'unseen'; why: string };

/**
 * Sorts voters by what their node's own status read shows: `isHealthy` decides on a row that was
 * seen; a node whose etcd is positively silent is out; anything else (PermissionDenied, output not
 * understood, a missing row, a timeout, a member on none of the nodes) is unseen.
 */
export function sightVoters(
  voters: readonly Member[],
  rows: Answers<MemberStatus>,
  lists: readonly { node: string; value: Member[] }[],
  nodes: readonly string[],
  isHealthy: (row: MemberStatus) => string | undefined,
): VoterSight[] {
  return voters.map((m) => {
    const row = rows.answered.find((r) => r.value.member === m.id);
    if (row) {
      const why = isHealthy(row.value);
      return why === undefined
        ? { id: m.id, state: 'healthy' as const, why: `member ${m.id} on ${row.node} is healthy` }
        : { id: m.id, state: 'out' as const, why };
    }
    const node = nodeOfMember(m.id, [], lists, nodes);
    if (node === undefined)
      return { id: m.id, state: 'unseen' as const, why: `member ${m.id} runs on none of the given nodes` };
    const f = rows.failed.find((x) => x.node === node);
    if (f === undefined) {
      const other = rows.answered.find((r) => r.node === node)?.value.member ?? '?';
      return { id: m.id, state: 'out' as const, why: `${node} now runs member ${other}, not ${m.id}` };
    }
    return {
      id: m.id,
      state: isSilent(f) ? ('out' as const) : ('unseen' as const),
      why: `${memberText(m.id, node)}: ${failedText([f])}`,
    };
  });
}

/**
 * The member lists a quorum check may count voters from: every node's list, but for nodes whose
 * etcd positively gives no answer (they hold no view to ask). A list not seen otherwise may hold a
 * voter the others miss, so the count is unknown then (undefined, with the reason).
 */
export function voterLists(
  reads: ClusterReads,
  nodes: readonly string[],
): { lists: Answers<Member[]>; unseen: string | undefined } {
  const lists = answers(reads.members, nodes);
  // a learner's node cannot list the members ("rpc not supported for learner"): that is positive
  // evidence its member is a learner, which has no vote; the voters' own lists are what count
  const gaps = lists.failed.filter((f) => !isSilent(f) && f.cause !== 'learner');
  if (lists.answered.length === 0) return { lists, unseen: `no node listed the members: ${failedText(lists.failed)}` };
  if (gaps.length > 0) return { lists, unseen: `a member list was not seen: ${failedText(gaps)}` };
  return { lists, unseen: undefined };
}
