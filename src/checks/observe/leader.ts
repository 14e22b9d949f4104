import { etcdOnNode } from '../etcd-evidence.js';
import { readsOf } from '../reader.js';
import { nodesArg } from '../verdict.js';
import { answers, leaderView, leaderViewText, nodeOfMember } from '../view.js';
import { memberText } from '../words.js';
import { defineObservation } from './observation.js';

/**
 * The leader member and its node, as agreed by the member of every given node. A node whose etcd
 * is positively down (or that is no control plane node) has no say; a node not seen otherwise
 * (PermissionDenied, output not understood, a missing row, a timeout) may name another leader, so
 * no leader is named then.
 */
export const leader = defineObservation({
  name: 'leader',
  reads: (args) => readsOf(['status', 'members'], nodesArg(args)),
  derive(reads, args) {
    const nodes = [...new Set(nodesArg(args))];
    const evidence = nodes.map((n) => etcdOnNode(reads, n));
    const unseen = evidence.filter((e) => e.kind === 'unknown');
    if (unseen.length > 0)
      return {
        ok: false,
        reason: `cannot tell the leader: ${unseen.map((e) => e.why).join('; ')}; no leader is named on what was not seen`,
      };
    const rows = evidence.flatMap((e) =>
      (e.kind === 'up' || e.kind === 'leaderless') && e.row ? [{ node: e.node, value: e.row }] : [],
    );
    const leaderless = evidence.filter((e) => e.kind === 'leaderless' && e.row === undefined);
    if (leaderless.length > 0) return { ok: false, reason: leaderless.map((e) => e.why).join('; ') };
    const lv = leaderView(rows);
    if (lv.kind === 'none-answered')
      return {
        ok: false,
        reason: `no member answered etcd status: ${evidence.map((e) => e.why).join('; ')}`,
      };
    if (lv.kind !== 'agreed') return { ok: false, reason: leaderViewText(lv) };
    // Right after the leader dies its followers still name it until the election timeout: a
    // leader that does not answer itself is no leader to act through.
    if (!rows.some((r) => r.value.member === lv.leader))
      return {
        ok: false,
        reason: `the members that answer still name ${memberText(lv.leader, nodeOfMember(lv.leader, rows, answers(reads.members, nodes).answered, nodes))} as leader, but it does not answer: an election is due`,
      };
    const node = nodeOfMember(lv.leader, rows, answers(reads.members, nodes).answered, nodes);
    if (!node) return { ok: false, reason: `the leader ${lv.leader} runs on none of the given nodes` };
    return { ok: true, outputs: { node, member: lv.leader }, summary: `leader ${lv.leader} on ${node}` };
  },
});
