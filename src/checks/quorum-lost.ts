import type { Member } from '../talos/observations.js';
import { etcdOnNode, type NodeEtcd } from './etcd-evidence.js';
import { readsOf } from './reader.js';
import { defineCheck, fmt, type Json, listText, nodesArg, numberArg, plural } from './verdict.js';
import { answers, nodeOfMember, unionMembers } from './view.js';
import { leaderText } from './words.js';

/** Majority of a voting membership of `size`. */
export const quorumOf = (size: number): number => Math.floor(size / 2) + 1;

/** One voter and what was seen of it. */
interface Voter {
  /** member id, or `node <address>` when no member list was printed */
  id: string;
  node: string | undefined;
  /** `cut-off`: its etcd runs with its data but knows no leader (it cannot reach a quorum) */
  state: 'up' | 'lost' | 'cut-off' | 'unknown';
  why: string;
  leader?: string;
}

/**
 * Said of a node that answers nothing when every counted loss must answer: from this side, a
 * machine that is off and a partition that hides a running majority look the same.
 */
const HIDDEN =
  'it does not answer talosctl at all, and from here a machine that is off looks the same as a partition that hides a running majority from this side';

/** A voter's state from the evidence of its node (see etcd-evidence.ts). */
function voterFrom(
  id: string,
  node: string | undefined,
  e: NodeEtcd | undefined,
  listed: boolean,
  allAnswer = false,
): Voter {
  if (node === undefined || e === undefined)
    return { id, node, state: 'unknown', why: `member ${id} runs on none of the given nodes, so it was not seen` };
  // the node now runs another member (wiped and rejoined): this voter's own etcd is gone
  const row = e.kind === 'up' || e.kind === 'leaderless' ? e.row : undefined;
  if (listed && row !== undefined && row.member !== id)
    return { id, node, state: 'lost', why: `${node} now runs member ${row.member}, not ${id}` };
  switch (e.kind) {
    case 'up':
      return { id, node, state: 'up', why: e.why, leader: e.row.leader };
    case 'leaderless':
      return { id, node, state: 'cut-off', why: e.why };
    case 'down':
      if (allAnswer && !e.reachable) return { id, node, state: 'unknown', why: `${e.why}; ${HIDDEN}` };
      return { id, node, state: 'lost', why: e.why };
    case 'not-member':
      return { id, node, state: 'unknown', why: `${e.why}, yet member ${id} is listed with its address` };
    case 'unknown':
      return { id, node, state: 'unknown', why: e.why };
  }
}

/**
 * Quorum is lost: the disaster a restore needs, so it passes only on positive evidence. Voters
 * are the non-learner members of the member lists the nodes print; when no node prints one (under
 * quorum loss every `etcd members` answers "no leader"), their number is the `voters` argument —
 * never the number of nodes given — and each given node not shown to be a worker stands for one
 * voter (a node that answers nothing counts as lost only when the nodes do not outnumber the
 * stated voters: otherwise it may be a worker that is off). Each voter is, from its node's reads (table in etcd-evidence.ts):
 *
 * | voter's node shows                                                            | voter is |
 * |-------------------------------------------------------------------------------|----------|
 * | its etcd status row naming a leader                                            | up       |
 * | a row with leader 0 / "no leader": etcd runs with its data, reaches no quorum  | cut off  |
 * | service etcd not Running; etcd refused or timing out while service etcd        | lost     |
 * |   answers (not Running+OK); the node unreachable (unknown with `allAnswer`)    |          |
 * | PermissionDenied, no request forwarding, Unimplemented, unparsed output, a     | unknown  |
 * |   missing row, any other error; not on any given node                          |          |
 *
 * | verdict | when                                                                             |
 * |---------|----------------------------------------------------------------------------------|
 * | pass    | lost voters ≥ voters − quorum + 1 (the rest cannot make a quorum), and at least  |
 * |         | one node answered something (all silent proves nothing about etcd)               |
 * | fail    | ≥ quorum voters are up and agree on one leader; or too few voters are lost and   |
 * |         | the ones cut off run with their data (a partition, or an election under way:     |
 * |         | a restore would throw their data away)                                           |
 * | unknown | otherwise, naming every voter that was not seen and why; also when the number of |
 * |         | voters is not known (no member list and no `voters`)                             |
 */
export const quorumLost = defineCheck({
  name: 'quorum-lost',
  reads: (args) => readsOf(['members', 'status', 'service'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = [...new Set(nodesArg(args))];
    const stated = args.voters === undefined ? undefined : numberArg(args, 'voters');
    const allAnswer = args.allAnswer === true;
    const evidence = new Map(nodes.map((n) => [n, etcdOnNode(reads, n)]));
    const lists = answers(reads.members, nodes);
    const listedVoters: Member[] = unionMembers(lists.answered).filter((m) => !m.learner);
    const rows = [...evidence.values()].flatMap((e) => {
      const row = e.kind === 'up' || e.kind === 'leaderless' ? e.row : undefined;
      return row === undefined ? [] : [{ node: e.node, value: row }];
    });

    const silent = [...evidence.values()].every((e) => e.kind === 'down' && !e.reachable);
    if (silent)
      return {
        verdict: 'unknown',
        observed: { nodes: Object.fromEntries([...evidence].map(([n, e]) => [n, { kind: e.kind, why: e.why }])) },
        expected: 'an answer from at least one node',
        summary: `cannot tell: no node answered talosctl at all, which does not tell a dead cluster from a network problem on this side (${[...evidence.values()].map((e) => e.why).join('; ')})`,
      };
    let voters: Voter[];
    let source: string;
    if (listedVoters.length > 0) {
      source = `the member list of ${listText(lists.answered.map((l) => l.node))}`;
      voters = listedVoters.map((m) => {
        const node = nodeOfMember(m.id, rows, lists.answered, nodes);
        return voterFrom(m.id, node, node === undefined ? undefined : evidence.get(node), true, allAnswer);
      });
    } else if (stated !== undefined && stated > 0) {
      source = `the voters argument (no node printed the member list)`;
      const slots = nodes
        .map((n) => evidence.get(n))
        .filter((e): e is NodeEtcd => e !== undefined && e.kind !== 'not-member')
        .filter((e) => !((e.kind === 'up' || e.kind === 'leaderless') && e.row?.learner === true));
      // more candidate nodes than voters: some are not control plane nodes, and a node that does
      // not answer at all cannot be told from a worker that is off, so it is not counted as lost
      const tooMany = slots.length > stated;
      voters = slots.map((e) =>
        tooMany && e.kind === 'down' && !e.reachable
          ? {
              id: `node ${e.node}`,
              node: e.node,
              state: 'unknown' as const,
              why: `${e.why}; with more nodes than the ${fmt(stated)} voters, it may be no voter`,
            }
          : voterFrom(`node ${e.node}`, e.node, e, false, allAnswer),
      );
    } else {
      const why = nodes.map((n) => evidence.get(n)?.why ?? n).join('; ');
      return {
        verdict: 'unknown',
        observed: { nodes: Object.fromEntries([...evidence].map(([n, e]) => [n, { kind: e.kind, why: e.why }])) },
        expected: 'a member list, or the voters argument, to count the voters',
        summary: `cannot tell: no node printed the member list and no voters count was given, so the number of voters is unknown (${why})`,
      };
    }
    // more voters stated than listed or seen: the missing ones are not seen
    const size = Math.max(voters.length, stated ?? 0);
    for (let i = voters.length; i < size; i++)
      voters.push({
        id: `voter ${i + 1}`,
        node: undefined,
        state: 'unknown',
        why: `voter ${i + 1} of ${size} was not seen on any given node`,
      });
    const need = quorumOf(size);
    const lost = voters.filter((v) => v.state === 'lost');
    const up = voters.filter((v) => v.state === 'up');
    const unseen = voters.filter((v) => v.state === 'unknown');
    const cutOff = voters.filter((v) => v.state === 'cut-off');
    const byLeader = new Map<string, Voter[]>();
    for (const v of up) byLeader.set(v.leader ?? '', [...(byLeader.get(v.leader ?? '') ?? []), v]);
    const agreed = [...byLeader.values()].sort((a, b) => b.length - a.length)[0] ?? [];

    const observed: Record<string, Json> = {
      voters: size,
      quorum: need,
      source,
      lost: lost.map((v) => v.id),
      up: up.map((v) => v.id),
      cutOff: cutOff.map((v) => v.id),
      notSeen: Object.fromEntries(unseen.map((v) => [v.id, v.why])),
      byVoter: Object.fromEntries(voters.map((v) => [v.id, { node: v.node ?? null, state: v.state, why: v.why }])),
    };
    const expected = `at least ${fmt(size - need + 1)} of ${fmt(size)} voters positively seen lost (quorum ${fmt(need)})`;
    const lostText = lost.length === 0 ? 'no voter is seen lost' : `${listText(lost.map((v) => v.why))}`;
    const unseenText = unseen.length === 0 ? '' : `; not seen: ${unseen.map((v) => v.why).join('; ')}`;
    const cutText =
      cutOff.length === 0
        ? ''
        : `; cut off (etcd runs with its data but knows no leader): ${listText(cutOff.map((v) => v.why))}`;

    if (lost.length >= size - need + 1) {
      return {
        verdict: 'pass',
        observed,
        expected,
        summary: `quorum is lost: ${plural(lost.length, 'voter')} of ${fmt(size)} seen lost (quorum ${fmt(need)}): ${lostText}${cutText}${unseenText}`,
      };
    }
    if (agreed.length >= need) {
      const partition =
        cutOff.length === 0
          ? ''
          : `; ${listText(cutOff.map((v) => v.why))}: cut off from the majority (a network partition on its side), not lost`;
      const leader = agreed[0]?.leader ?? '';
      const followed = leaderText(leader, nodeOfMember(leader, rows, lists.answered, nodes));
      const summary = `quorum holds: ${fmt(agreed.length)} of ${fmt(size)} voters follow ${followed}${lost.length > 0 ? `; lost: ${lostText}` : ''}${partition}${unseenText}`;
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    }
    if (cutOff.length > 0 && lost.length + cutOff.length >= size - need + 1) {
      // the old reading counted these as lost: a partition or an election (members restarting after
      // machines came back) would then have looked like a quorum lost for good
      const summary = `quorum is not lost for good: ${listText(cutOff.map((v) => v.why))} — ${cutOff.length === 1 ? 'its etcd runs' : 'their etcd run'} with ${cutOff.length === 1 ? 'its' : 'their'} data but cannot reach a quorum: a network partition between the members, or an election still under way. A restore would throw that data away: fix the network (or wait) and check again${lost.length > 0 ? `; lost: ${lostText}` : ''}${unseenText}`;
      return { verdict: 'fail', observed, expected, summary };
    }
    return {
      verdict: 'unknown',
      observed,
      expected,
      summary: `cannot tell: ${fmt(lost.length)} of ${fmt(size)} voters seen lost and ${fmt(agreed.length)} seen following one leader (quorum ${fmt(need)})${lost.length > 0 ? `; lost: ${lostText}` : ''}${unseenText}`,
    };
  },
});
