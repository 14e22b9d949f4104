import { readsOf } from '../reader.js';
import { fmt, listText, nodesArg } from '../verdict.js';
import { answers, failedText } from '../view.js';
import { defineObservation } from './observation.js';

/**
 * The highest revision among the given members; needs the reader's optional revision source.
 * Every member must answer: one not read may hold the highest revision, and a lower maximum would
 * make a snapshot look newer than it is.
 */
export const maxRevision = defineObservation({
  name: 'max-revision',
  reads: (args) => readsOf(['revision'], nodesArg(args)),
  derive(reads, args) {
    const a = answers(reads.revision, nodesArg(args));
    if (a.answered.length === 0)
      return { ok: false, reason: `no member revision could be read: ${failedText(a.failed)}` };
    if (a.failed.length > 0)
      return {
        ok: false,
        reason: `cannot tell the highest revision: ${failedText(a.failed)}; ${listText(a.failed.map((f) => f.node))}, not read, may be ahead`,
      };
    const best = a.answered.reduce((x, y) => (y.value > x.value ? y : x));
    return {
      ok: true,
      outputs: { revision: best.value },
      summary: `highest revision ${fmt(best.value)} on ${best.node}`,
    };
  },
});
