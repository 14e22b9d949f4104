import { readsOf } from '../reader.js';
import { nodesArg, stringArg } from '../verdict.js';
import { answers, failedText, nodeOfMember, statusRows, unionMembers } from '../view.js';
import { defineObservation } from './observation.js';

/**
 * The member id of the etcd on a node: its own status row. When its etcd gives no answer at all
 * (node or etcd refused, a timeout, no leader), the one listed member with its address, the only
 * source left. When the node answered but we could not read it (PermissionDenied, a certificate,
 * output not understood, a missing row), no member is named: a list may be older than what runs.
 */
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
    const why = rows.failed.filter((f) => f.node === node);
    const silent =
      why.length > 0 &&
      why.every((f) => ['node-unreachable', 'etcd-unreachable', 'no-leader', 'timeout'].includes(f.cause));
    if (!silent)
      return {
        ok: false,
        reason: `cannot tell which member runs on ${node}: ${failedText(why)}; no member is named on what was not seen`,
      };
    const lists = answers(reads.members, nodes).answered;
    const found = unionMembers(lists).filter((m) => nodeOfMember(m.id, [], lists, [node]) === node);
    if (found.length === 1 && found[0])
      return {
        ok: true,
        outputs: { member: found[0].id },
        summary: `member ${found[0].id} is listed with ${node}'s address (${failedText(why)})`,
      };
    const listed =
      found.length > 1
        ? `members ${found.map((m) => m.id).join(', ')} are all listed with its address`
        : 'no member is listed with its address';
    return { ok: false, reason: `no member found for ${node}: ${failedText(why)}, and ${listed}` };
  },
});
