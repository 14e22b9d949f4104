import { readsOf } from './reader.js';
import { defineCheck, nodesArg, stringArg } from './verdict.js';
import { answers, failedJson, failedText } from './view.js';

/** The given alarm is raised: alarms are cluster-wide, so one answering node that lists it suffices. */
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
    if (members.length > 0)
      return { verdict: 'pass', observed, expected, summary: `${kind} alarm raised on member ${members.join(', ')}` };
    if (a.answered.length === 0)
      return { verdict: 'unknown', observed, expected, summary: `cannot list alarms: ${failedText(a.failed)}` };
    const others = [...new Set(observed.alarms.map((x) => x.kind).filter((k) => k !== 'NONE'))];
    return {
      verdict: 'fail',
      observed,
      expected: `${expected}, last saw ${others.length > 0 ? others.join(', ') : 'no alarm'}`,
      summary: `no ${kind} alarm is raised${others.length > 0 ? ` (raised: ${others.join(', ')})` : ''}, as ${a.answered.map((x) => x.node).join(', ')} report`,
    };
  },
});
