import { readsOf } from '../reader.js';
import { nodesArg } from '../verdict.js';
import { answers, failedText } from '../view.js';
import { defineObservation } from './observation.js';

/**
 * The node to act on alone (bootstrap, snapshot): `prefer` when given, which must be one of the
 * nodes and answer; otherwise the first of the nodes, in the given order, that answers
 * `service etcd`. A preferred node that does not answer is an error, never silently replaced.
 */
export const reachableNode = defineObservation({
  name: 'reachable-node',
  reads: (args) => readsOf(['service'], nodesArg(args)),
  derive(reads, args) {
    const nodes = nodesArg(args);
    const prefer = typeof args.prefer === 'string' ? args.prefer.trim() : '';
    const a = answers(reads.service, nodes);
    if (prefer !== '') {
      if (!nodes.includes(prefer))
        return { ok: false, reason: `${prefer} is not one of the nodes ${nodes.join(', ')}` };
      const failed = a.failed.find((f) => f.node === prefer);
      if (failed) return { ok: false, reason: `the chosen node does not answer: ${failedText([failed])}` };
      return { ok: true, outputs: { node: prefer }, summary: `${prefer} (chosen) answers service etcd` };
    }
    const first = nodes.find((n) => a.answered.some((x) => x.node === n));
    if (first === undefined) return { ok: false, reason: `no node answers service etcd: ${failedText(a.failed)}` };
    const skipped = a.failed.filter((f) => nodes.indexOf(f.node) < nodes.indexOf(first));
    const note = skipped.length > 0 ? ` (skipped: ${failedText(skipped)})` : '';
    return { ok: true, outputs: { node: first }, summary: `${first} is the first node that answers${note}` };
  },
});
