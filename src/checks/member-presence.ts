import type { CheckName } from './catalog.js';
import { readsOf } from './reader.js';
import { type CheckImpl, defineCheck, listText, memberArg, nodesArg } from './verdict.js';
import { answers, failedDetail, failedJson, isSilent, listsNotSeen, nodeOfMember } from './view.js';
import { memberText } from './words.js';

/**
 * member-present and member-absent: the member is (or is not) in the member list of every node.
 * A node whose list shows the opposite fails the check (membership changes settle in a moment,
 * so a wait polls again). A node that could not be read leaves it unknown, with one exception for
 * member-absent: a node whose etcd positively gives no answer (node or etcd refused, no leader)
 * holds no view of the list to ask (after `etcd leave` or a lost machine, that is the removed
 * member's own node), and a removal one answering node applied was committed by the cluster.
 * At least one node must have answered.
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
      // where it runs, from the lists that show it (a removed member's URLs are gone with it)
      const who = memberText(member, nodeOfMember(member, [], a.answered, nodes));
      const expected = `member ${member} ${wantPresent ? 'in' : 'absent from'} the member list of every node`;
      const wrong = wantPresent ? lacking : having;
      if (wrong.length > 0) {
        const summary = `${who} is ${wantPresent ? 'missing from' : 'still in'} the member list of ${listText(wrong)}`;
        return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
      }
      const excused = wantPresent ? [] : a.failed.filter(isSilent);
      const unseen = a.failed.filter((f) => !excused.includes(f));
      if (a.answered.length === 0 || unseen.length > 0)
        return {
          verdict: 'unknown',
          observed,
          expected,
          summary: `${a.answered.length === 0 ? `cannot tell whether member ${member} is listed: ` : ''}${listsNotSeen(
            a,
            `${who} is ${wantPresent ? 'listed' : 'not listed'} by ${listText(a.answered.map((x) => x.node))}`,
            unseen,
          )}`,
        };
      const note =
        excused.length > 0 ? `; no list from ${excused.map((f) => `${f.node} (${failedDetail(f)})`).join('; ')}` : '';
      const summary = `${who} is ${wantPresent ? 'listed' : 'not listed'} by ${listText(a.answered.map((x) => x.node))}${note}`;
      return { verdict: 'pass', observed, expected, summary };
    },
  });
}

/** The member is in the member list. */
export const memberPresent = memberPresence('member-present', true);
