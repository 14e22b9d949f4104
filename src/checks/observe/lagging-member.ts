import { etcdOnNode } from '../etcd-evidence.js';
import { DEFAULT_MAX_LAG } from '../member-healthy.js';
import { readsOf } from '../reader.js';
import { fmt, nodesArg, numberArg } from '../verdict.js';
import { cutOffText, leaderView, leaderViewText, statusRows } from '../view.js';
import { leaderText } from '../words.js';
import { defineObservation } from './observation.js';

/**
 * The member furthest behind the leader; a learner never promoted comes first whatever its lag.
 * Every given control plane node must show its own status row: a node whose status failed, did
 * not parse or printed no row of its own may hold the member furthest behind (or the leader), so
 * no member is named then. A node positively not a control plane node is left out.
 * The leader is never named: lag is measured against it (no `isLeader` output: it was always
 * false, and the runbook's choice on it could never pass). Every recorded applied index equals
 * its raft index, so a leader slow to apply is nothing the reads show either.
 */
export const laggingMember = defineObservation({
  name: 'lagging-member',
  reads: (args) => readsOf(['status'], nodesArg(args)),
  derive(reads, args) {
    const nodes = nodesArg(args);
    const maxLag = numberArg(args, 'maxLag', DEFAULT_MAX_LAG);
    const evidence = nodes.map((n) => etcdOnNode(reads, n));
    const unseen = evidence.filter((e) => e.kind !== 'up' && e.kind !== 'leaderless' && e.kind !== 'not-member');
    if (unseen.length > 0)
      return {
        ok: false,
        reason: `cannot tell which member lags: ${unseen.map((e) => e.why).join('; ')}; no member is named on what was not seen`,
      };
    const rows = statusRows(reads, nodes);
    if (rows.answered.length === 0) return { ok: false, reason: 'no member answered etcd status' };
    const voters = rows.answered.filter((r) => !r.value.learner);
    const lv = leaderView(voters);
    if (lv.kind !== 'agreed') return { ok: false, reason: cutOffText(voters) ?? leaderViewText(lv) };
    const leaderRow = rows.answered.find((r) => r.value.member === lv.leader);
    if (!leaderRow)
      return {
        ok: false,
        reason: `${leaderText(lv.leader, undefined)} is not among the answering nodes, so lag is unknown`,
      };
    const lagOf = (i: number) => Math.max(0, leaderRow.value.raftIndex - i);
    const candidates = rows.answered
      .filter((r) => r.value.member !== lv.leader)
      .map((r) => ({
        node: r.node,
        member: r.value.member,
        learner: r.value.learner,
        raftIndex: r.value.raftIndex,
        lag: lagOf(r.value.raftIndex),
      }))
      .filter((c) => c.learner || c.lag > maxLag)
      .sort((a, b) => Number(b.learner) - Number(a.learner) || b.lag - a.lag);
    const c = candidates[0];
    if (!c)
      return {
        ok: false,
        reason: `no member is more than ${fmt(maxLag)} entries behind ${leaderText(lv.leader, leaderRow.node)} (raft index ${fmt(leaderRow.value.raftIndex)}) and none is a learner`,
      };
    return {
      ok: true,
      outputs: { node: c.node, member: c.member, lag: c.lag, learner: c.learner },
      summary: `member ${c.member} on ${c.node}${c.learner ? ' is a learner,' : ' is'} ${fmt(c.lag)} ${c.lag === 1 ? 'entry' : 'entries'} behind ${leaderText(lv.leader, leaderRow.node)} (raft index ${fmt(c.raftIndex)}, the leader's ${fmt(leaderRow.value.raftIndex)})`,
    };
  },
});
