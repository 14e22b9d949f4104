import { readsOf } from './reader.js';
import { defineCheck, listText, nodesArg } from './verdict.js';
import {
  failedDetail,
  failedJson,
  failedText,
  isSilent,
  leaderView,
  leaderViewText,
  nodeOfMember,
  statusRows,
} from './view.js';
import { leaderText, noStatusText } from './words.js';

/**
 * Exactly one leader, named by the member of every asked node. It fails on what it saw: members
 * that know no leader or name different ones, or a node whose etcd positively gives no answer
 * (node or etcd refused, "no leader"). It passes only when every node showed its own status row;
 * a node not seen otherwise (PermissionDenied, output not understood, a missing row, a timeout)
 * leaves it unknown: a wait must not move on over a member it could not see.
 */
export const leaderElected = defineCheck({
  name: 'leader-elected',
  reads: (args) => readsOf(['status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const rows = statusRows(reads, nodes);
    const lv = leaderView(rows.answered);
    const silent = rows.failed.filter(isSilent);
    const unseen = rows.failed.filter((f) => !isSilent(f));
    const observed = {
      leaders: Object.fromEntries(rows.answered.map((r) => [r.node, r.value.leader])),
      unanswered: failedJson(rows.failed),
    };
    const expected = 'exactly one leader, agreed by the member of every node';
    if (lv.kind === 'no-leader' || lv.kind === 'split' || silent.length > 0) {
      const parts = [
        ...(lv.kind === 'no-leader' || lv.kind === 'split' ? [leaderViewText(lv)] : []),
        // status is all this check reads: a silent node's member id is not in it
        ...silent.map((f) => `${noStatusText(f.node, undefined)}: ${failedDetail(f)}`),
        ...(unseen.length > 0 ? [`not seen: ${failedText(unseen)}`] : []),
      ];
      const summary = parts.join('; ');
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    }
    if (lv.kind === 'none-answered' || unseen.length > 0) {
      const seen =
        lv.kind === 'agreed'
          ? `${leaderText(lv.leader, lv.node)}, agreed by ${listText(rows.answered.map((r) => r.node))}, but `
          : '';
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `${seen}${lv.kind === 'none-answered' ? 'no member answered etcd status: ' : ''}${failedText(unseen)}`,
      };
    }
    const node = nodeOfMember(lv.leader, rows.answered, [], nodes);
    return {
      verdict: 'pass',
      observed,
      expected,
      summary: `leader ${lv.leader}${node ? ` on ${node}` : ''}, agreed by ${listText(rows.answered.map((r) => r.node))}`,
    };
  },
});
