import { readsOf } from './reader.js';
import { defineCheck, fmt, listText, nodesArg, numberArg, plural } from './verdict.js';
import { answers, failedJson, failedText } from './view.js';

/** Every answering node lists exactly `count` members. */
export const membersCount = defineCheck({
  name: 'members-count',
  reads: (args) => readsOf(['members'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const count = numberArg(args, 'count');
    const a = answers(reads.members, nodes);
    const counts = Object.fromEntries(a.answered.map(({ node, value }) => [node, value.length]));
    const observed = { counts, unanswered: failedJson(a.failed) };
    const expected = `${plural(count, 'member')} as every answering node sees it`;
    if (a.answered.length === 0)
      return { verdict: 'unknown', observed, expected, summary: `no node listed the members: ${failedText(a.failed)}` };
    const wrong = a.answered.filter(({ value }) => value.length !== count);
    const seen = listText(a.answered.map(({ node, value }) => `${node} lists ${fmt(value.length)}`));
    if (wrong.length > 0)
      return {
        verdict: 'fail',
        observed,
        expected: `${expected}, last saw ${seen}`,
        summary: `expected ${plural(count, 'member')}, but ${seen}`,
      };
    const note = a.failed.length > 0 ? ` (${failedText(a.failed)})` : '';
    return {
      verdict: 'pass',
      observed,
      expected,
      summary: `${plural(count, 'member')}, as ${listText(a.answered.map((x) => x.node))} list${note}`,
    };
  },
});
