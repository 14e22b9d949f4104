import { readsOf } from './reader.js';
import { defineCheck, fmt, listText, nodesArg } from './verdict.js';
import { answers, failedJson, failedText, NO_LEADER, statusRows } from './view.js';

/** Majority of a voting membership of `size`. */
const quorumOf = (size: number): number => Math.floor(size / 2) + 1;

/**
 * Quorum is lost: the disaster a restore needs. Voters are counted from the largest member list any
 * node still prints (a node without a leader prints none), never fewer than the nodes asked; it
 * passes when fewer than a majority of them answer status, or no answering member knows a leader.
 * 'unknown' when no node answers anything: then nothing is proven.
 */
export const quorumLost = defineCheck({
  name: 'quorum-lost',
  reads: (args) => readsOf(['members', 'status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const lists = answers(reads.members, nodes);
    const rows = statusRows(reads, nodes);
    const listed = Math.max(0, ...lists.answered.map((l) => l.value.filter((m) => !m.learner).length));
    const size = Math.max(listed, nodes.length);
    const need = quorumOf(size);
    const voters = rows.answered.filter((r) => !r.value.learner);
    const withLeader = voters.filter((r) => r.value.leader !== NO_LEADER && r.value.leader !== '');
    const observed = {
      voters: size,
      quorum: need,
      answeringVoters: voters.map((r) => r.node),
      leaders: Object.fromEntries(rows.answered.map((r) => [r.node, r.value.leader])),
      memberLists: Object.fromEntries(lists.answered.map((l) => [l.node, l.value.map((m) => m.id)])),
      unanswered: failedJson(rows.failed),
    };
    const expected = `fewer than ${fmt(need)} of ${fmt(size)} voters answer, or none knows a leader`;
    const answeredAt = (n: string): boolean =>
      [reads.members[n], reads.status[n]].some((r) => r !== undefined && (r.ok || !r.unreachable));
    if (!nodes.some(answeredAt))
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `no control plane node answered at all, so nothing is proven: ${failedText(rows.failed)}`,
      };
    if (voters.length < need || withLeader.length === 0) {
      const who = voters.length === 0 ? 'no voter' : `only ${listText(voters.map((r) => r.node))}`;
      const leaderless = withLeader.length === 0 ? '; no answering member knows a leader' : '';
      return {
        verdict: 'pass',
        observed,
        expected,
        summary: `quorum is lost: ${who} of ${fmt(size)} voters ${voters.length === 1 ? 'answers' : 'answer'} status (quorum ${fmt(need)})${leaderless}`,
      };
    }
    const summary = `${fmt(voters.length)} of ${fmt(size)} voters answer and ${listText(withLeader.map((r) => r.node))} ${withLeader.length === 1 ? 'knows' : 'know'} leader ${withLeader[0]?.value.leader ?? ''}: quorum holds`;
    return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
  },
});
