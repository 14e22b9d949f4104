import { readsOf } from '../reader.js';
import { listText, nodesArg } from '../verdict.js';
import { answers, failedText, leaderView, nodeOfMember, statusRows, unionMembers } from '../view.js';
import { defineObservation } from './observation.js';

/**
 * The one member that is listed but whose etcd does not answer. `reachable` says whether its node
 * still answers talosctl at all (service etcd, or an error rather than a timeout); `isLeader`
 * whether the answering members still name it as their leader.
 */
export const lostMember = defineObservation({
  name: 'lost-member',
  reads: (args) => readsOf(['members', 'status', 'service'], nodesArg(args)),
  derive(reads, args) {
    const nodes = nodesArg(args);
    const lists = answers(reads.members, nodes);
    if (lists.answered.length === 0)
      return { ok: false, reason: `no node listed the members: ${failedText(lists.failed)}` };
    const rows = statusRows(reads, nodes);
    const answering = new Set(rows.answered.map((r) => r.value.member));
    const lost = unionMembers(lists.answered).filter((m) => !answering.has(m.id));
    if (lost.length === 0) return { ok: false, reason: 'every listed member answers etcd status: no member is lost' };
    if (lost.length > 1)
      return {
        ok: false,
        reason: `${lost.length} members do not answer (${listText(lost.map((m) => m.id))}): expected exactly one`,
      };
    const [m] = lost;
    if (!m) return { ok: false, reason: 'no member is lost' };
    const node = nodeOfMember(m.id, rows.answered, lists.answered, nodes);
    if (!node)
      return {
        ok: false,
        reason: `lost member ${m.id} runs on none of the given nodes (its URLs: ${m.peerUrls.join(', ')})`,
      };
    const svc = reads.service[node];
    const st = reads.status[node];
    const reachable =
      svc?.ok === true || (svc?.ok === false && !svc.unreachable) || (st?.ok === false && !st.unreachable);
    const lv = leaderView(rows.answered);
    const isLeader = lv.kind === 'agreed' && lv.leader === m.id;
    return {
      ok: true,
      outputs: { node, member: m.id, reachable, isLeader },
      summary: `member ${m.id} on ${node} does not answer; its node is ${reachable ? 'reachable' : 'unreachable'}${isLeader ? '; it is still named leader' : ''}`,
    };
  },
});
