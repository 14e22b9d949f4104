import { readsOf } from './reader.js';
import { defineCheck, fmt, listText, nodesArg, numberArg, stringArg } from './verdict.js';
import { failedJson, failedText, statusRows } from './view.js';
import { memberText } from './words.js';

/**
 * After defragmenting one member: its DB SIZE is at most `maxPercent` % of the largest DB SIZE
 * among the other members (not yet defragmented). This decides whether defragmentation frees
 * space at all, instead of IN USE / DB SIZE, which etcd 3.4 only updates after a write or a
 * defrag (so it reads ≈ 83 % under NOSPACE whatever the real fragmentation).
 * It passes on the other members seen (one at least): a member not seen can only raise the
 * reference, so the drop it shows holds for it too. It fails only when every member was seen.
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
      const why =
        mine === undefined
          ? `${node} did not show its own status row`
          : `no other member was seen to compare ${memberText(mine.value.member, node)} with`;
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `${why}${rows.failed.length ? `: ${failedText(rows.failed)}` : ''}`,
      };
    }
    const ref = others.reduce((a, b) => (b.value.dbSizeBytes > a.value.dbSizeBytes ? b : a));
    const pct = ref.value.dbSizeBytes > 0 ? (100 * mine.value.dbSizeBytes) / ref.value.dbSizeBytes : 100;
    const text = `${memberText(mine.value.member, node)}: db ${fmt(mine.value.dbSizeBytes)} B is ${pct.toFixed(1)}% of the ${fmt(ref.value.dbSizeBytes)} B of ${memberText(ref.value.member, ref.node)}`;
    // an unseen member can only be larger than the largest seen: a pass holds, a fail may not
    if (pct <= max) {
      const note = rows.failed.length > 0 ? ` (not seen: ${failedText(rows.failed)})` : '';
      return { verdict: 'pass', observed, expected, summary: `defragmentation freed space: ${text}${note}` };
    }
    if (rows.failed.length > 0)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `${text} (above ${max}%), but ${listText(rows.failed.map((f) => f.node))}, not seen, may hold a larger one: ${failedText(rows.failed)}`,
      };
    return {
      verdict: 'fail',
      observed,
      expected,
      summary: `defragmentation freed too little: ${text} (allowed ≤ ${max}%)`,
    };
  },
});
