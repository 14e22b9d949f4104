import { readsOf } from './reader.js';
import { defineCheck, listText, nodesArg } from './verdict.js';
import { failedJson, failedText, leaderView, leaderViewText, nodeOfMember, statusRows } from './view.js';

/** Exactly one leader, named by every member that answers. */
export const leaderElected = defineCheck({
  name: 'leader-elected',
  reads: (args) => readsOf(['status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const rows = statusRows(reads, nodes);
    const lv = leaderView(rows.answered);
    const observed = {
      leaders: Object.fromEntries(rows.answered.map((r) => [r.node, r.value.leader])),
      unanswered: failedJson(rows.failed),
    };
    const expected = 'exactly one leader, agreed by every member that answers';
    if (lv.kind === 'none-answered')
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `no member answered etcd status: ${failedText(rows.failed)}`,
      };
    if (lv.kind !== 'agreed') {
      const summary = leaderViewText(lv);
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    }
    const node = nodeOfMember(lv.leader, rows.answered, [], nodes);
    const by = `agreed by ${listText(rows.answered.map((r) => r.node))}`;
    const note = rows.failed.length > 0 ? `; ${failedText(rows.failed)}` : '';
    return {
      verdict: 'pass',
      observed,
      expected,
      summary: `leader ${lv.leader}${node ? ` on ${node}` : ''}, ${by}${note}`,
    };
  },
});
