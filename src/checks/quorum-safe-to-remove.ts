import { readsOf } from './reader.js';
import { defineCheck, fmt, listText, memberArg, nodesArg, plural } from './verdict.js';
import { failedJson, nodeOfMember, sightVoters, statusRows, unionMembers, voterLists } from './view.js';
import { memberText } from './words.js';

/** Votes needed for a cluster of n voters: floor(n/2)+1. */
export function quorum(n: number): number {
  return Math.floor(n / 2) + 1;
}

/**
 * After removing the member, the started voters that answer are at least the quorum of the new
 * voter count (etcd's strict reconfiguration rule). A voter counts only when its own etcd answered
 * status (a listed but silent member cannot vote), so a pass never rests on what was not seen. It
 * fails when even the voters not seen could not make the quorum; otherwise a voter not seen
 * (PermissionDenied, output not understood, a missing row, a timeout) leaves it unknown. The voters
 * come from every node's member list (but nodes whose etcd is positively silent).
 */
export const quorumSafeToRemove = defineCheck({
  name: 'quorum-safe-to-remove',
  reads: (args) => readsOf(['members', 'status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const member = memberArg(args);
    const { lists, unseen: listsUnseen } = voterLists(reads, nodes);
    const rows = statusRows(reads, nodes);
    const expected = `started voters after removing ${member} ≥ quorum of the new size`;
    const named = (id: string) => memberText(id, nodeOfMember(id, rows.answered, lists.answered, nodes));
    if (listsUnseen !== undefined)
      return {
        verdict: 'unknown',
        observed: { unanswered: failedJson(lists.failed) },
        expected,
        summary: `cannot tell whether removing ${named(member)} keeps quorum: cannot count the voters: ${listsUnseen}`,
      };
    const members = unionMembers(lists.answered);
    const target = members.find((m) => m.id === member);
    const voters = members.filter((m) => !m.learner);
    const remaining = voters.filter((m) => m.id !== member);
    const sights = sightVoters(remaining, rows, lists.answered, nodes, (row) =>
      row.learner ? `member ${row.member} on ${row.node} is a learner` : undefined,
    ).map((s) => {
      const m = remaining.find((x) => x.id === s.id);
      return m && (m.name === '' || m.clientUrls.length === 0)
        ? { ...s, state: 'out' as const, why: `member ${s.id} has not started` }
        : s;
    });
    const alive = sights.filter((s) => s.state === 'healthy');
    const unseen = sights.filter((s) => s.state === 'unseen');
    const need = quorum(remaining.length);
    const observed = {
      member,
      listed: target !== undefined,
      voters: voters.length,
      votersAfter: remaining.length,
      quorumAfter: need,
      startedAnsweringAfter: alive.map((s) => s.id),
      notSeen: unseen.map((s) => s.id),
      unanswered: failedJson(rows.failed),
    };
    if (!target) {
      const summary = `member ${member} is not in the member list, so there is nothing to remove`;
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    }
    const counts = `removing ${named(member)} leaves ${plural(remaining.length, 'voter')} (quorum ${fmt(need)}), ${fmt(alive.length)} of them started and answering`;
    if (alive.length >= need) return { verdict: 'pass', observed, expected, summary: `${counts}: safe` };
    const out = sights.filter((s) => s.state === 'out').map((s) => named(s.id));
    const why = out.length > 0 ? `; not answering: ${listText(out)}` : '';
    if (alive.length + unseen.length >= need)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `${counts}${why}; not seen: ${unseen.map((s) => s.why).join('; ')}`,
      };
    const summary = `${counts}: removing it would lose quorum${why}`;
    return {
      verdict: 'fail',
      observed,
      expected: `${expected}, last saw ${fmt(alive.length)} < ${fmt(need)}`,
      summary,
    };
  },
});
