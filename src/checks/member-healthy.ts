import { readsOf } from './reader.js';
import { defineCheck, fmt, type Json, nodesArg, numberArg, stringArg } from './verdict.js';
import { failedDetail, failedJson, failedText, isSilent, leaderView, leaderViewText, statusRows } from './view.js';
import { leaderText, noStatusText, statusErrorText } from './words.js';

/** Default `maxLag`: raft entries behind the leader still counted as caught up. */
export const DEFAULT_MAX_LAG = 100;

/**
 * The node's member answers status, has no errors (but the ignored alarm), is a voter and is
 * within maxLag of the leader. It fails on what it saw: its etcd positively gives no answer (node
 * or etcd refused, "no leader"), its row shows errors, a learner, no leader, a split or a lag
 * beyond maxLag. It passes only when every asked node showed its own status row (the leader and
 * its index included); a node not seen otherwise (PermissionDenied, output not understood, a
 * missing row, a timeout) leaves it unknown: a wait must not move on over what it could not see.
 */
export const memberHealthy = defineCheck({
  name: 'member-healthy',
  reads: (args) => readsOf(['status'], [...new Set([stringArg(args, 'node'), ...nodesArg(args)])]),
  evaluate({ reads }, args) {
    const node = stringArg(args, 'node');
    const nodes = [...new Set([node, ...nodesArg(args)])];
    const maxLag = numberArg(args, 'maxLag', DEFAULT_MAX_LAG);
    const ignore = typeof args.ignoreAlarm === 'string' ? args.ignoreAlarm : undefined;
    const rows = statusRows(reads, nodes);
    const own = rows.answered.find((r) => r.node === node);
    const expected = `the member on ${node} answering, without errors, a voter, at most ${fmt(maxLag)} entries behind the leader`;
    if (!own) {
      const why = rows.failed.filter((f) => f.node === node);
      const observed = { node, answered: false, unanswered: failedJson(why) };
      if (why.length > 0 && why.every(isSilent)) {
        // status is all this check reads: a silent node's member id is not in it
        const summary = `${noStatusText(node, undefined)}: ${why.map(failedDetail).join('; ')}`;
        return { verdict: 'fail', observed, expected: `${expected}, last saw no answer`, summary };
      }
      const summary = `cannot see etcd on ${node} (member id unknown): ${failedText(why)}`;
      return { verdict: 'unknown', observed, expected, summary };
    }
    const m = own.value;
    const observed = {
      node,
      member: m.member,
      learner: m.learner,
      leader: m.leader,
      raftIndex: m.raftIndex,
      errors: m.errors,
    } as Record<string, Json>;
    const fail = (summary: string) => ({
      verdict: 'fail' as const,
      observed,
      expected: `${expected}, last saw ${summary}`,
      summary,
    });
    // etcd reports a raised alarm as "memberID:<decimal> alarm:NOSPACE" in every member's status
    const errors = m.errors.filter((e) => ignore === undefined || !e.split(/[^A-Z]+/).includes(ignore));
    const who = `member ${m.member} on ${node}`;
    const nodeOf = (id: string) => rows.answered.find((r) => r.value.member === id)?.node;
    if (errors.length > 0) return fail(`${who} reports ${errors.map((e) => statusErrorText(e, nodeOf)).join(', ')}`);
    if (m.learner) return fail(`${who} is still a learner`);
    const lv = leaderView(rows.answered);
    if (lv.kind !== 'agreed') return fail(`${who} is not healthy: ${leaderViewText(lv)}`);
    const leader = leaderText(lv.leader, lv.node);
    const leaderRow = rows.answered.find((r) => r.value.member === lv.leader);
    if (leaderRow) {
      const lag = Math.max(0, leaderRow.value.raftIndex - m.raftIndex);
      observed.lag = lag;
      if (lag > maxLag)
        return fail(
          `${who} is ${fmt(lag)} ${lag === 1 ? 'entry' : 'entries'} behind ${leader} (raft index ${fmt(m.raftIndex)}, the leader's ${fmt(leaderRow.value.raftIndex)}; at most ${fmt(maxLag)} allowed)`,
        );
    }
    if (rows.failed.length > 0) {
      observed.unanswered = failedJson(rows.failed);
      const lagText = typeof observed.lag === 'number' ? `${fmt(observed.lag)} behind it` : 'its lag unknown';
      const summary = `${who} follows ${leader} (${lagText}), but ${failedText(rows.failed)}`;
      return { verdict: 'unknown', observed, expected, summary };
    }
    if (!leaderRow) {
      const summary = `${who} follows ${leader}, which is not among the given nodes, so its lag is unknown`;
      return { verdict: 'unknown', observed, expected, summary };
    }
    const role = lv.leader === m.member ? 'the leader' : `${fmt(observed.lag as number)} behind ${leader}`;
    return { verdict: 'pass', observed, expected, summary: `${who} is healthy (${role})` };
  },
});
