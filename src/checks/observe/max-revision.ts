import { readsOf } from '../reader.js';
import { fmt, nodesArg } from '../verdict.js';
import { answers, failedText } from '../view.js';
import { defineObservation } from './observation.js';

/** The highest revision among the answering members; needs the reader's optional revision source. */
export const maxRevision = defineObservation({
  name: 'max-revision',
  reads: (args) => readsOf(['revision'], nodesArg(args)),
  derive(reads, args) {
    const a = answers(reads.revision, nodesArg(args));
    if (a.answered.length === 0)
      return { ok: false, reason: `no member revision could be read: ${failedText(a.failed)}` };
    const best = a.answered.reduce((x, y) => (y.value > x.value ? y : x));
    const note = a.failed.length > 0 ? ` (${failedText(a.failed)})` : '';
    return {
      ok: true,
      outputs: { revision: best.value },
      summary: `highest revision ${fmt(best.value)} on ${best.node}${note}`,
    };
  },
});
