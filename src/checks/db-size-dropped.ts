import { readsOf } from './reader.js';
import { defineCheck, fmt, nodesArg, numberArg, stringArg } from './verdict.js';
import { failedJson, failedText, statusRows } from './view.js';

/**
 * After defragmenting one member: its DB SIZE is at most `maxPercent` % of the largest DB SIZE
 * among the other members (not yet defragmented). This decides whether defragmentation frees
 * space at all, instead of IN USE / DB SIZE, which etcd 3.4 only updates after a write or a
 * defrag (so it reads ≈ 83 % under NOSPACE whatever the real fragmentation).
 */
export const dbSizeDropped = defineCheck({
  name: 'db-size-dropped',
  reads: (args) => readsOf(['status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const node = stringArg(args, 'node');
    const max = numberArg(args, 'maxPercent', 90);
    const rows = statusRows(reads, nodes);
    const mine = rows.answered.find((r) => r.node === node);
    const others = rows.answered.filter((r) => r.node !== node);
    const observed = {
      dbSizeBytes: Object.fromEntries(rows.answered.map((r) => [r.node, r.value.dbSizeBytes])),
      unanswered: failedJson(rows.failed),
    };
    const expected = `db size of ${node} at most ${max}% of the largest other member's`;
    if (mine === undefined || others.length === 0) {
      const why = mine === undefined ? `${node} did not report its status` : 'no other member to compare with';
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `${why}${rows.failed.length ? `: ${failedText(rows.failed)}` : ''}`,
      };
    }
    const ref = others.reduce((a, b) => (b.value.dbSizeBytes > a.value.dbSizeBytes ? b : a));
    const pct = ref.value.dbSizeBytes > 0 ? (100 * mine.value.dbSizeBytes) / ref.value.dbSizeBytes : 100;
    const text = `${node} db ${fmt(mine.value.dbSizeBytes)} B is ${pct.toFixed(1)}% of ${ref.node}'s ${fmt(ref.value.dbSizeBytes)} B`;
    return pct <= max
      ? { verdict: 'pass', observed, expected, summary: `defragmentation freed space: ${text}` }
      : {
          verdict: 'fail',
          observed,
          expected,
          summary: `defragmentation freed too little: ${text} (allowed ≤ ${max}%)`,
        };
  },
});
