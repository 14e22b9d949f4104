import { readsOf } from '../reader.js';
import { nodesArg } from '../verdict.js';
import { answers, failedText, leaderView, leaderViewText, nodeOfMember, statusRows } from '../view.js';
import { defineObservation } from './observation.js';

/** The leader member and its node, as agreed by every member that answers. */
export const leader = defineObservation({
  name: 'leader',
  reads: (args) => readsOf(['status', 'members'], nodesArg(args)),
  derive(reads, args) {
    const nodes = nodesArg(args);
    const rows = statusRows(reads, nodes);
    const lv = leaderView(rows.answered);
    if (lv.kind === 'none-answered')
      return { ok: false, reason: `no member answered etcd status: ${failedText(rows.failed)}` };
    if (lv.kind !== 'agreed') return { ok: false, reason: leaderViewText(lv) };
    // Right after the leader dies its followers still name it until the election timeout: a
    // leader that does not answer itself is no leader to act through.
    if (!rows.answered.some((r) => r.value.member === lv.leader))
      return {
        ok: false,
        reason: `the members that answer still name ${lv.leader} as leader, but it does not answer: an election is due`,
      };
    const node = nodeOfMember(lv.leader, rows.answered, answers(reads.members, nodes).answered, nodes);
    if (!node) return { ok: false, reason: `the leader ${lv.leader} runs on none of the given nodes` };
    return { ok: true, outputs: { node, member: lv.leader }, summary: `leader ${lv.leader} on ${node}` };
  },
});
