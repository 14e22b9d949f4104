import { readsOf } from '../reader.js';
import { nodesArg, stringArg } from '../verdict.js';
import { answers, failedText, nodeOfMember, statusRows, unionMembers } from '../view.js';
import { defineObservation } from './observation.js';

/** The member id of the etcd on a node: its own status row, else the member list entry with its address. */
export const memberOfNode = defineObservation({
  name: 'member-of-node',
  reads: (args) => readsOf(['status', 'members'], [...new Set([stringArg(args, 'node'), ...nodesArg(args)])]),
  derive(reads, args) {
    const node = stringArg(args, 'node');
    const nodes = [...new Set([node, ...nodesArg(args)])];
    const rows = statusRows(reads, nodes);
    const own = rows.answered.find((r) => r.node === node);
    if (own)
      return { ok: true, outputs: { member: own.value.member }, summary: `member ${own.value.member} runs on ${node}` };
    const lists = answers(reads.members, nodes).answered;
    const found = unionMembers(lists).find((m) => nodeOfMember(m.id, [], lists, [node]) === node);
    if (found)
      return {
        ok: true,
        outputs: { member: found.id },
        summary: `member ${found.id} is listed with ${node}'s address`,
      };
    const why = rows.failed.filter((f) => f.node === node);
    return { ok: false, reason: `no member found for ${node}${why.length > 0 ? `: ${failedText(why)}` : ''}` };
  },
});
