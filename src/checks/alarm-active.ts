import { readsOf } from './reader.js';
import { defineCheck, listText, nodesArg, stringArg } from './verdict.js';
import { answers, failedJson, failedText } from './view.js';

/**
 * The given alarm is raised. Alarms are cluster state (etcd keeps them through raft), so one node
 * that lists the alarm is positive evidence: it passes on that. It fails only when every node
 * listed the alarms and none shows it; a node that could not be read may be the one that would.
 */
export const alarmActive = defineCheck({
  name: 'alarm-active',
  reads: (args) => readsOf(['alarms'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const kind = stringArg(args, 'alarm');
    const a = answers(reads.alarms, nodes);
    const raised = a.answered.flatMap(({ value }) => value.filter((x) => x.kind === kind));
    const members = [...new Set(raised.map((x) => x.member))];
    const observed = {
      alarms: a.answered.flatMap(({ value }) => value.map((x) => ({ node: x.node, member: x.member, kind: x.kind }))),
      unanswered: failedJson(a.failed),
    };
    const expected = `a ${kind} alarm raised`;
    if (members.length > 0) {
      const by = listText([...new Set(raised.map((x) => x.node))]);
      return {
        verdict: 'pass',
        observed,
        expected,
        summary: `${kind} alarm raised on member ${members.join(', ')} (listed by ${by})`,
      };
    }
    const others = [...new Set(observed.alarms.map((x) => x.kind).filter((k) => k !== 'NONE'))];
    const seen = others.length > 0 ? `raised: ${others.join(', ')}` : 'no alarm';
    if (a.failed.length > 0)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `${a.answered.length > 0 ? `no ${kind} alarm in the lists of ${listText(a.answered.map((x) => x.node))} (${seen}), but` : 'cannot list alarms:'} ${failedText(a.failed)}`,
      };
    return {
      verdict: 'fail',
      observed,
      expected: `${expected}, last saw ${seen}`,
      summary: `no ${kind} alarm is raised${others.length > 0 ? ` (raised: ${others.join(', ')})` : ''}, as ${listText(a.answered.map((x) => x.node))} report`,
    };
  },
});
