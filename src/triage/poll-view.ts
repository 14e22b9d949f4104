import { type Answers, NO_LEADER, statusRows } from '../checks/view.js';
import type { MemberStatus } from '../talos/observations.js';
import type { Poll } from './model.js';

/**
 * One poll's `etcd status` rows, read for what moves between polls: the leader a quorum of
 * voters follows (and its term), the voters that follow no leader or another one, and how far
 * each member's raft index is behind the leader's own.
 */

export interface PollLeader {
  member: string;
  /** the highest RAFT TERM among the voters that follow it */
  term: number;
  /** nodes of the voters that follow it */
  followers: string[];
  /** the leader's own row, when its node answered */
  node?: string;
  raftIndex?: number;
}

export interface Astray {
  node: string;
  member: string;
  /** the leader it names: NO_LEADER when it knows none */
  leader: string;
}

export interface PollView {
  at: number;
  rows: Answers<MemberStatus>;
  /** the leader at least a quorum of the voters follows; undefined when none has a quorum */
  leader: PollLeader | undefined;
  /** answering voters that know no leader, or name another than the quorum's */
  astray: Astray[];
  /** per member id: raft entries behind the leader's own row (only when the leader answered) */
  lag: Record<string, { node: string; lag: number; learner: boolean; raftIndex: number }>;
}

const knowsNoLeader = (r: MemberStatus): boolean => r.leader === NO_LEADER || r.leader === '';

export function viewPoll(
  poll: Poll,
  nodes: readonly string[],
  quorum: number,
  isVoter: (r: MemberStatus) => boolean,
): PollView {
  const rows = statusRows(poll.reads, nodes);
  const voters = rows.answered.filter((r) => isVoter(r.value));
  const byLeader = new Map<string, typeof voters>();
  for (const r of voters) {
    if (knowsNoLeader(r.value)) continue;
    byLeader.set(r.value.leader, [...(byLeader.get(r.value.leader) ?? []), r]);
  }
  const top = [...byLeader.entries()].sort((a, b) => b[1].length - a[1].length)[0];
  const leader =
    top !== undefined && top[1].length >= quorum
      ? ((): PollLeader => {
          const own = rows.answered.find((r) => r.value.member === top[0]);
          return {
            member: top[0],
            term: Math.max(...top[1].map((r) => r.value.raftTerm)),
            followers: top[1].map((r) => r.node),
            ...(own ? { node: own.node, raftIndex: own.value.raftIndex } : {}),
          };
        })()
      : undefined;
  const astray = voters
    .filter((r) => knowsNoLeader(r.value) || (leader !== undefined && r.value.leader !== leader.member))
    .map((r) => ({
      node: r.node,
      member: r.value.member,
      leader: knowsNoLeader(r.value) ? NO_LEADER : r.value.leader,
    }));
  const lag: PollView['lag'] = {};
  if (leader?.raftIndex !== undefined)
    for (const r of rows.answered)
      lag[r.value.member] = {
        node: r.node,
        lag: Math.max(0, leader.raftIndex - r.value.raftIndex),
        learner: r.value.learner,
        raftIndex: r.value.raftIndex,
      };
  return { at: poll.at, rows, leader, astray, lag };
}
