import { readsOf } from './reader.js';
import { defineCheck, listText, nodesArg, numberArg } from './verdict.js';
import { failedJson, failedText, statusRows } from './view.js';

/** IN USE / DB SIZE of every member within [min, max] percent (e.g. defrag only helps when low). */
export const dbInUseRatio = defineCheck({
  name: 'db-in-use-ratio',
  reads: (args) => readsOf(['status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const min = numberArg(args, 'min', 0);
    const max = numberArg(args, 'max', 100);
    const rows = statusRows(reads, nodes);
    const observed = {
      inUsePercent: Object.fromEntries(rows.answered.map((r) => [r.node, r.value.inUsePercent])),
      unanswered: failedJson(rows.failed),
    };
    const expected = `in-use ratio between ${min}% and ${max}% on every member`;
    const out = rows.answered.filter((r) => r.value.inUsePercent < min || r.value.inUsePercent > max);
    if (out.length > 0) {
      const summary = listText(
        out.map((r) => `member ${r.value.member} on ${r.node} uses ${r.value.inUsePercent.toFixed(2)}% of its db`),
      );
      return {
        verdict: 'fail',
        observed,
        expected: `${expected}, last saw ${summary}`,
        summary: `${summary} (allowed ${min}–${max}%)`,
      };
    }
    if (rows.failed.length > 0 || rows.answered.length === 0)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `cannot read every member: ${failedText(rows.failed)}`,
      };
    const ratios = rows.answered.map((r) => `${r.node} ${r.value.inUsePercent.toFixed(2)}%`);
    return { verdict: 'pass', observed, expected, summary: `in-use ratio within ${min}–${max}%: ${ratios.join(', ')}` };
  },
});
