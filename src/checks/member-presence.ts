import type { CheckName } from './catalog.js';
import { readsOf } from './reader.js';
import { type CheckImpl, defineCheck, listText, memberArg, nodesArg } from './verdict.js';
import { answers, failedJson, failedText } from './view.js';

/**
 * member-present and member-absent: the member is (or is not) in the member list of every node
 * that answers. Nodes that disagree fail the check: membership changes settle in a moment, so a
 * wait polls again.
 */
export function memberPresence(name: CheckName, wantPresent: boolean): CheckImpl {
  return defineCheck({
    name,
    reads: (args) => readsOf(['members'], nodesArg(args)),
    evaluate({ reads }, args) {
      const nodes = nodesArg(args);
      const member = memberArg(args);
      const a = answers(reads.members, nodes);
      const having = a.answered.filter(({ value }) => value.some((m) => m.id === member)).map((x) => x.node);
      const lacking = a.answered.filter((x) => !having.includes(x.node)).map((x) => x.node);
      const observed = { listedBy: having, notListedBy: lacking, unanswered: failedJson(a.failed) };
      const expected = `member ${member} ${wantPresent ? 'in' : 'absent from'} the member list`;
      if (a.answered.length === 0)
        return {
          verdict: 'unknown',
          observed,
          expected,
          summary: `no node listed the members: ${failedText(a.failed)}`,
        };
      const wrong = wantPresent ? lacking : having;
      const note = a.failed.length > 0 ? ` (${failedText(a.failed)})` : '';
      if (wrong.length === 0) {
        const summary = `member ${member} is ${wantPresent ? 'listed' : 'not listed'} by ${listText(a.answered.map((x) => x.node))}${note}`;
        return { verdict: 'pass', observed, expected, summary };
      }
      const summary = `member ${member} is ${wantPresent ? 'missing from' : 'still in'} the member list of ${listText(wrong)}`;
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    },
  });
}

/** The member is in the member list. */
export const memberPresent = memberPresence('member-present', true);
