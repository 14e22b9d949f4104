import { etcdOnNode } from '../checks/etcd-evidence.js';
import { quorumOf } from '../checks/quorum-lost.js';
import { causeOf } from '../checks/read-cause.js';
import type { ClusterReads } from '../checks/reader.js';
import { type Answers, answers, nodeOfMember, statusRows, unionMembers } from '../checks/view.js';
import type { Member, MemberStatus } from '../talos/observations.js';
import type { Poll, TriageOptions } from './model.js';
import { type PollView, viewPoll } from './poll-view.js';

/**
 * What the two polls say about each member, in the few states the decision table reasons about.
 * Built on the checks' own evidence (etcdOnNode, nodeOfMember, the member lists): triage never
 * parses or judges a read differently from the runbooks it recommends.
 */

/**
 * - `up`: answers status and follows a leader; `leaderless`: answers, knows no leader
 * - `etcd-down`: its machine answers talosctl, its etcd does not (refused, not Running, wiped)
 * - `machine-down`: its machine refuses talosctl (apid refused, no route): positively off
 * - `machine-timeout`: every read of its machine timed out: off, or cut off from this host
 * - `replaced`: its node now runs another member
 * - `unseen`: something on our side (certificate, permission, output not understood, a timeout
 *   while Talos reports etcd healthy, a member on none of the given nodes)
 */
export type SightState = 'up' | 'leaderless' | 'etcd-down' | 'machine-down' | 'machine-timeout' | 'replaced' | 'unseen';

export interface MemberSight {
  /** member id (16 hex digits), or `node <address>` / `voter <n>` when no member list was seen */
  id: string;
  /** the member id when a member list or its own status row named it */
  member: string | undefined;
  node: string | undefined;
  learner: boolean;
  state: SightState;
  why: string;
  row?: MemberStatus;
}

export const LOST_STATES: ReadonlySet<SightState> = new Set([
  'etcd-down',
  'machine-down',
  'machine-timeout',
  'replaced',
]);

export interface ClusterView {
  /** the nodes as given, each once */
  nodes: string[];
  /** the given nodes not shown to be workers */
  controlPlane: string[];
  notControlPlane: { node: string; why: string }[];
  /** poll 1's members and alarms with poll 2's status, service and time */
  reads: ClusterReads;
  lists: Answers<Member[]>;
  /** every listed member (or one slot per control plane node when no node listed them) */
  members: MemberSight[];
  fromLists: boolean;
  /** voting members, and where that number comes from */
  voters: number;
  votersSource: string;
  quorum: number;
  polls: [PollView, PollView];
}

/** Each read of poll 2 over poll 1's (a read poll 2 did not make keeps its poll 1 answer). */
export function latestReads(first: ClusterReads, second: ClusterReads): ClusterReads {
  const out = { ...first };
  for (const kind of Object.keys(first) as (keyof ClusterReads)[])
    (out[kind] as Record<string, unknown>) = { ...first[kind], ...second[kind] };
  return out;
}

type NodeSight = { state: SightState; why: string; row?: MemberStatus } | { state: 'not-member'; why: string };

/** The sight of the etcd on one node, from the evidence table of etcd-evidence.ts. */
export function sightOfNode(reads: ClusterReads, node: string): NodeSight {
  const e = etcdOnNode(reads, node);
  switch (e.kind) {
    case 'up':
      return { state: 'up', why: e.why, row: e.row };
    case 'leaderless':
      return e.row === undefined
        ? { state: 'leaderless', why: e.why }
        : { state: 'leaderless', why: e.why, row: e.row };
    case 'not-member':
      return { state: 'not-member', why: e.why };
    case 'unknown':
      return { state: 'unseen', why: e.why };
    case 'down': {
      if (e.reachable) return { state: 'etcd-down', why: e.why };
      // refused or no route is the machine itself; only timeouts may be a cut between here and there
      const refused = [reads.status[node], reads.service[node], reads.members[node]].some(
        (r) => r !== undefined && !r.ok && causeOf(r) === 'node-unreachable',
      );
      return { state: refused ? 'machine-down' : 'machine-timeout', why: e.why };
    }
  }
}

function memberSight(m: Member, node: string | undefined, sight: NodeSight | undefined): MemberSight {
  const base = { id: m.id, member: m.id, node, learner: m.learner };
  if (node === undefined || sight === undefined)
    return {
      ...base,
      state: 'unseen',
      why: `member ${m.id} runs on none of the given nodes (its peer URLs: ${m.peerUrls.join(', ') || 'none'})`,
    };
  if (sight.state === 'not-member')
    return { ...base, state: 'unseen', why: `${sight.why}, yet member ${m.id} is listed with its address` };
  if (sight.row !== undefined && sight.row.member !== m.id)
    return { ...base, state: 'replaced', why: `${node} now runs member ${sight.row.member}, not ${m.id}` };
  return { ...base, state: sight.state, why: sight.why, ...(sight.row ? { row: sight.row } : {}) };
}

/** Puts the two polls together into one view of the members. Pure. */
export function viewCluster(first: Poll, second: Poll, o: TriageOptions): ClusterView {
  const nodes = [...new Set(o.nodes)];
  const reads = latestReads(first.reads, second.reads);
  const sights = new Map(nodes.map((n) => [n, sightOfNode(reads, n)]));
  const notControlPlane = nodes.flatMap((n) => {
    const s = sights.get(n);
    return s?.state === 'not-member' ? [{ node: n, why: s.why }] : [];
  });
  const controlPlane = nodes.filter((n) => sights.get(n)?.state !== 'not-member');
  const lists = answers(reads.members, controlPlane);
  const rows = statusRows(reads, controlPlane).answered;
  const listed = unionMembers(lists.answered);
  const fromLists = listed.length > 0;
  const members: MemberSight[] = fromLists
    ? listed.map((m) => {
        const node = nodeOfMember(m.id, rows, lists.answered, controlPlane);
        return memberSight(m, node, node === undefined ? undefined : sights.get(node));
      })
    : controlPlane.map((n) => {
        const s = sights.get(n) as Exclude<NodeSight, { state: 'not-member' }>;
        return { id: `node ${n}`, member: s.row?.member, node: n, learner: s.row?.learner ?? false, ...s };
      });
  const listedVoters = members.filter((m) => !m.learner).length;
  const voters = fromLists ? listedVoters : (o.members ?? controlPlane.length);
  // more voters said than nodes given: the ones on no given node were not seen
  for (let i = members.length; i < voters; i++)
    members.push({
      id: `voter ${i + 1}`,
      member: undefined,
      node: undefined,
      learner: false,
      state: 'unseen',
      why: `voter ${i + 1} of ${voters} runs on none of the given nodes (add its node to --param nodes)`,
    });
  const votersSource = fromLists
    ? `the member list of ${lists.answered.map((l) => l.node).join(', ')}`
    : o.members !== undefined
      ? 'the members param (no node listed the members)'
      : `one per control plane node given (no node listed the members; pass --param members=N if the cluster has more)`;
  const quorum = quorumOf(voters);
  const voterIds = new Set(members.filter((m) => !m.learner).map((m) => m.id));
  const isVoter = (r: MemberStatus) => (fromLists ? voterIds.has(r.member) : !r.learner);
  return {
    nodes,
    controlPlane,
    notControlPlane,
    reads,
    lists,
    members,
    fromLists,
    voters,
    votersSource,
    quorum,
    polls: [
      viewPoll(first, controlPlane, quorum, isVoter),
      viewPoll({ reads: latestReads(first.reads, second.reads), at: second.at }, controlPlane, quorum, isVoter),
    ],
  };
}

/** The members in one of the given states. */
export function membersIn(v: ClusterView, ...states: SightState[]): MemberSight[] {
  return v.members.filter((m) => states.includes(m.state));
}

/** Where member `id` runs, as the member lists or a status row place it (a leader whose own node did not answer is still listed). */
export function nodeOfId(v: ClusterView, id: string): string | undefined {
  return (
    v.members.find((m) => m.member === id && m.node !== undefined)?.node ??
    v.polls.flatMap((p) => p.rows.answered).find((r) => r.value.member === id)?.node
  );
}

/**
 * A member as a responder finds it: `<id> on <node>`. An id no read places is said to be so,
 * rather than shown bare as if that were all there is to know.
 */
export function memberName(v: ClusterView, id: string): string {
  const node = nodeOfId(v, id);
  return node === undefined ? `${id} (on no node read)` : `${id} on ${node}`;
}
