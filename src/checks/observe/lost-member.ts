import type { Member, MemberStatus } from '../../talos/observations.js';
import { etcdOnNode } from '../etcd-evidence.js';
import { readsOf } from '../reader.js';
import { listText, nodesArg } from '../verdict.js';
import {
  answers,
  cutOffText,
  failedText,
  type LeaderView,
  leaderView,
  nodeOfMember,
  statusRows,
  unionMembers,
} from '../view.js';
import { leaderText, memberText } from '../words.js';
import { defineObservation } from './observation.js';

/**
 * The one member that is listed and positively seen not answering (its node unreachable, its
 * etcd refused or timing out while the node answers, or `service etcd` not Running; see
 * etcd-evidence.ts). `reachable` says whether its node still answers talosctl at all; `isLeader`
 * whether the answering members still name it as their leader.
 *
 * It names no member when any listed member could not be seen (PermissionDenied, output not
 * understood, a missing row, a timeout the service state does not explain, no given node): that
 * member may be the lost one, or a second one, and removing a member on a guess can cost quorum.
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
    const seen = unionMembers(lists.answered).map((m) => {
      const node = nodeOfMember(m.id, rows.answered, lists.answered, nodes);
      if (node === undefined)
        return {
          m,
          node,
          state: 'unknown' as const,
          why: `member ${m.id} runs on none of the given nodes (its URLs: ${m.peerUrls.join(', ')})`,
        };
      const e = etcdOnNode(reads, node);
      const row = e.kind === 'up' || e.kind === 'leaderless' ? e.row : undefined;
      if (row !== undefined && row.member !== m.id)
        return { m, node, state: 'lost' as const, reachable: true, why: `${node} now runs member ${row.member}` };
      if (e.kind === 'up' || e.kind === 'leaderless') return { m, node, state: 'answers' as const, why: e.why };
      if (e.kind === 'down') return { m, node, state: 'lost' as const, reachable: e.reachable, why: e.why };
      return { m, node, state: 'unknown' as const, why: e.why };
    });
    const unknown = seen.filter((s) => s.state === 'unknown');
    if (unknown.length > 0)
      return {
        ok: false,
        reason: `cannot tell which member is lost: ${unknown.map((u) => `member ${u.m.id}: ${u.why}`).join('; ')}; no member is named on what was not seen`,
      };
    const lost = seen.filter((s) => s.state === 'lost');
    if (lost.length === 0) {
      const cut = cutOffText(rows.answered.filter((r) => !r.value.learner));
      return {
        ok: false,
        reason: `every listed member answers etcd status: no member is lost${cut === undefined ? '' : `; ${cut}`}`,
      };
    }
    if (lost.length > 1)
      return {
        ok: false,
        reason: `${lost.length} members do not answer (${listText(lost.map((l) => `${memberText(l.m.id, l.node)}: ${l.why}`))}): expected exactly one`,
      };
    const [l] = lost;
    if (l === undefined || l.node === undefined) return { ok: false, reason: 'no member is lost' };
    const reachable = 'reachable' in l && l.reachable === true;
    const lv = leaderView(rows.answered);
    const isLeader = lv.kind === 'agreed' && lv.leader === l.m.id;
    return {
      ok: true,
      outputs: { node: l.node, member: l.m.id, reachable, isLeader },
      // the choices after this read ask exactly these two questions: answer them here, with ids
      summary: `member ${l.m.id} on ${l.node} does not answer (${l.why}); ${l.node} ${reachable ? 'still answers talosctl' : 'does not answer talosctl'}; ${leaderAnswer(l.m.id, lv, rows.answered, lists.answered, nodes)}`,
    };
  },
});

/** Whether the lost member is still the leader, as an answer: "it is not the leader (leader is …)". */
function leaderAnswer(
  id: string,
  lv: LeaderView,
  rows: readonly { node: string; value: MemberStatus }[],
  lists: readonly { node: string; value: Member[] }[],
  nodes: readonly string[],
): string {
  if (lv.kind !== 'agreed') return 'the members that answer agree on no leader';
  if (lv.leader === id) return 'it is still named leader';
  return `it is not the leader (${leaderText(lv.leader, nodeOfMember(lv.leader, rows, lists, nodes))})`;
}
