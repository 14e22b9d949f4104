import { readsOf } from './reader.js';
import { defineCheck, fmt, listText, nodesArg } from './verdict.js';
import { answers, failedJson, failedText, leaderView, nodeOfMember, statusRows, unionMembers } from './view.js';

/**
 * No member is a learner; a learner is named with its node and how far it is behind the leader.
 * A learner seen in any list or status row fails it; it passes only when every node printed its
 * member list and its own status row (a node not seen may be the learner itself).
 */
export const noLearners = defineCheck({
  name: 'no-learners',
  reads: (args) => readsOf(['members', 'status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const lists = answers(reads.members, nodes);
    const rows = statusRows(reads, nodes);
    const learners = new Set(
      unionMembers(lists.answered)
        .filter((m) => m.learner)
        .map((m) => m.id),
    );
    for (const r of rows.answered) if (r.value.learner) learners.add(r.value.member);
    const observed = { learners: [...learners], unanswered: failedJson([...lists.failed, ...rows.failed]) };
    const expected = 'no learner, as every node sees it';
    if (learners.size === 0) {
      const texts = [
        ...(lists.failed.length > 0 ? [`etcd members: ${failedText(lists.failed)}`] : []),
        ...(rows.failed.length > 0 ? [`etcd status: ${failedText(rows.failed)}`] : []),
      ];
      if (texts.length > 0)
        return { verdict: 'unknown', observed, expected, summary: `no learner seen, but ${texts.join('; ')}` };
      return { verdict: 'pass', observed, expected, summary: `no member is a learner, as ${listText(nodes)} show` };
    }
    const lv = leaderView(rows.answered.filter((r) => !r.value.learner));
    const leaderRow = lv.kind === 'agreed' ? rows.answered.find((r) => r.value.member === lv.leader) : undefined;
    const parts = [...learners].map((id) => {
      const node = nodeOfMember(id, rows.answered, lists.answered, nodes);
      const row = rows.answered.find((r) => r.value.member === id);
      const lag = row && leaderRow ? Math.max(0, leaderRow.value.raftIndex - row.value.raftIndex) : undefined;
      const behind = lag === undefined ? '' : `, ${fmt(lag)} ${lag === 1 ? 'entry' : 'entries'} behind the leader`;
      return `member ${id}${node ? ` on ${node}` : ''} is a learner${behind}`;
    });
    const summary = listText(parts);
    return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
  },
});
