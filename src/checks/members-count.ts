import { readsOf } from './reader.js';
import { defineCheck, fmt, listText, nodesArg, numberArg, plural } from './verdict.js';
import { answers, failedJson, listsNotSeen } from './view.js';

/**
 * Every node lists exactly `count` members. A node that lists another number fails it; it passes
 * only when every node printed its list (a node not seen may be the one still missing a member).
 */
export const membersCount = defineCheck({
  name: 'members-count',
  reads: (args) => readsOf(['members'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const count = numberArg(args, 'count');
    const a = answers(reads.members, nodes);
    const counts = Object.fromEntries(a.answered.map(({ node, value }) => [node, value.length]));
    const observed = { counts, unanswered: failedJson(a.failed) };
    const expected = `${plural(count, 'member')} as every node sees it`;
    const wrong = a.answered.filter(({ value }) => value.length !== count);
    const seen = listText(a.answered.map(({ node, value }) => `${node} lists ${fmt(value.length)}`));
    if (wrong.length > 0)
      return {
        verdict: 'fail',
        observed,
        expected: `${expected}, last saw ${seen}`,
        summary: `expected ${plural(count, 'member')}, but ${seen}`,
      };
    if (a.failed.length > 0)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: listsNotSeen(a, seen),
      };
    return {
      verdict: 'pass',
      observed,
      expected,
      summary: `${plural(count, 'member')}, as ${listText(a.answered.map((x) => x.node))} list`,
    };
  },
});
