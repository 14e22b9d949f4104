import { raisedAlarms } from './alarms.js';
import { type ClusterView, nodeOfId } from './cluster-view.js';
import type { Triage, TriageOptions } from './model.js';
import type { PollLeader } from './poll-view.js';

/**
 * The numbers of one triage round that watch compares and Prometheus scrapes: per member its DB
 * size against the quota, IN USE, raft index and lag; for the cluster the leader and its term,
 * elections seen, members answering, alarms by kind, and the verdict.
 */

export interface MemberFigures {
  node: string;
  member: string;
  answering: boolean;
  learner: boolean;
  isLeader: boolean;
  dbSizeBytes?: number;
  inUseBytes?: number;
  /** IN USE / DB SIZE, 0..1 */
  inUseRatio?: number;
  /** DB SIZE / quota, 0..1+ */
  quotaUseRatio?: number;
  raftIndex?: number;
  /** raft entries behind the leader in the second poll */
  lag?: number;
}

export interface Figures {
  /** ms since the epoch (the second poll) */
  at: number;
  verdict: Triage['verdict'];
  row: string;
  quotaBytes: number;
  /** the leader a quorum follows; its node when a member list or status row placed it */
  leader?: { member: string; term: number; node?: string };
  /** leader changes seen within the round (between its two polls) */
  elections: number;
  /** the first poll's leader, to count elections between rounds */
  firstLeader?: { member: string; term: number };
  members: MemberFigures[];
  membersListed: number;
  membersAnswering: number;
  /** alarm kind → members it is raised on */
  alarms: Record<string, number>;
}

/** Leader changes between two samples: term steps, or one when the leader differs at the same term. */
export function electionsBetween(
  a: Pick<PollLeader, 'member' | 'term'> | undefined,
  b: Pick<PollLeader, 'member' | 'term'> | undefined,
): number {
  if (a === undefined || b === undefined) return 0;
  return Math.max(b.term - a.term, a.member !== b.member ? 1 : 0, 0);
}

export function figuresOf(v: ClusterView, t: Triage, o: TriageOptions): Figures {
  const [a, b] = v.polls;
  const rows = new Map(b.rows.answered.map((r) => [r.value.member, r]));
  const members: MemberFigures[] = v.members.flatMap((m): MemberFigures[] => {
    const r = m.row ?? (m.member === undefined ? undefined : rows.get(m.member)?.value);
    const node = m.node ?? r?.node;
    if (node === undefined) return [];
    const member = r?.member ?? m.member ?? m.id;
    const base = { node, member, learner: m.learner || r?.learner === true, isLeader: b.leader?.member === member };
    if (r === undefined || (m.state !== 'up' && m.state !== 'leaderless')) return [{ ...base, answering: false }];
    return [
      {
        ...base,
        answering: true,
        dbSizeBytes: r.dbSizeBytes,
        inUseBytes: r.inUseBytes,
        inUseRatio: r.dbSizeBytes > 0 ? r.inUseBytes / r.dbSizeBytes : 1,
        quotaUseRatio: r.dbSizeBytes / o.quotaBytes,
        raftIndex: r.raftIndex,
        ...(b.lag[member] === undefined ? {} : { lag: b.lag[member].lag }),
      },
    ];
  });
  const alarms: Record<string, number> = {};
  for (const x of raisedAlarms(v)) alarms[x.kind] = (alarms[x.kind] ?? 0) + 1;
  return {
    at: b.at,
    verdict: t.verdict,
    row: t.row,
    quotaBytes: o.quotaBytes,
    ...(b.leader
      ? { leader: { member: b.leader.member, term: b.leader.term, ...placed(nodeOfId(v, b.leader.member)) } }
      : {}),
    ...(a.leader ? { firstLeader: { member: a.leader.member, term: a.leader.term } } : {}),
    elections: electionsBetween(a.leader, b.leader),
    members,
    membersListed: v.fromLists ? v.members.length : 0,
    membersAnswering: members.filter((m) => m.answering).length,
    alarms,
  };
}

const placed = (node: string | undefined): { node?: string } => (node === undefined ? {} : { node });
