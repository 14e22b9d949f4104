import { readsOf } from './reader.js';
import { defineCheck, fmt, listText, memberArg, nodesArg, plural } from './verdict.js';
import { answers, failedJson, failedText, statusRows, unionMembers } from './view.js';

/** Votes needed for a cluster of n voters: floor(n/2)+1. */
export function quorum(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * After removing the member, the started voters that still answer are at least the quorum of the
 * new voter count (etcd's strict reconfiguration rule). A started voter counts only when its own
 * etcd answered status: a member that is listed but silent cannot vote.
 */
export const quorumSafeToRemove = defineCheck({
  name: 'quorum-safe-to-remove',
  reads: (args) => readsOf(['members', 'status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const member = memberArg(args);
    const lists = answers(reads.members, nodes);
    const rows = statusRows(reads, nodes);
    const expected = `started voters after removing ${member} ≥ quorum of the new size`;
    if (lists.answered.length === 0)
      return {
        verdict: 'unknown',
        observed: { unanswered: failedJson(lists.failed) },
        expected,
        summary: `no node listed the members: ${failedText(lists.failed)}`,
      };
    const members = unionMembers(lists.answered);
    const target = members.find((m) => m.id === member);
    const voters = members.filter((m) => !m.learner);
    const answering = new Set(rows.answered.filter((r) => !r.value.learner).map((r) => r.value.member));
    const remaining = voters.filter((m) => m.id !== member);
    const alive = remaining.filter((m) => m.name !== '' && m.clientUrls.length > 0 && answering.has(m.id));
    const need = quorum(remaining.length);
    const observed = {
      member,
      listed: target !== undefined,
      voters: voters.length,
      votersAfter: remaining.length,
      quorumAfter: need,
      startedAnsweringAfter: alive.map((m) => m.id),
      unanswered: failedJson([...lists.failed, ...rows.failed]),
    };
    if (!target) {
      const summary = `member ${member} is not in the member list, so there is nothing to remove`;
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    }
    const counts = `removing ${member} leaves ${plural(remaining.length, 'voter')} (quorum ${fmt(need)}), ${fmt(alive.length)} of them started and answering`;
    if (alive.length >= need) return { verdict: 'pass', observed, expected, summary: `${counts}: safe` };
    const silent = remaining.filter((m) => !alive.includes(m)).map((m) => m.id);
    const why = silent.length > 0 ? `; not answering: ${listText(silent)}` : '';
    const summary = `${counts}: removing it would lose quorum${why}`;
    return {
      verdict: 'fail',
      observed,
      expected: `${expected}, last saw ${fmt(alive.length)} < ${fmt(need)}`,
      summary,
    };
  },
});
