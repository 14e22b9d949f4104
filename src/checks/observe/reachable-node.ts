import { ownService } from '../etcd-evidence.js';
import { readsOf } from '../reader.js';
import { nodesArg } from '../verdict.js';
import { answers, type Failed, failedText } from '../view.js';
import { defineObservation } from './observation.js';

/**
 * The node to act on alone (bootstrap, snapshot): `prefer` when given, which must be one of the
 * nodes and answer with its own etcd block; otherwise the first of the nodes, in the given order,
 * that does. A node before it is skipped only when it positively does not answer (apid refused or
 * unreachable); one that answered something we could not read (PermissionDenied, a certificate,
 * output not understood, no block of its own, a timeout) stops the choice: it may be the one to
 * use. A preferred node that does not answer is an error, never silently replaced.
 */
export const reachableNode = defineObservation({
  name: 'reachable-node',
  reads: (args) => readsOf(['service'], nodesArg(args)),
  derive(reads, args) {
    const nodes = nodesArg(args);
    const prefer = typeof args.prefer === 'string' ? args.prefer.trim() : '';
    const a = answers(reads.service, nodes);
    const failure = (n: string): Failed | undefined => {
      const f = a.failed.find((x) => x.node === n);
      if (f) return f;
      const value = a.answered.find((x) => x.node === n)?.value ?? [];
      return ownService(value, n)
        ? undefined
        : { node: n, reason: 'service etcd printed no etcd block of its own', unreachable: false, cause: 'no-row' };
    };
    if (prefer !== '') {
      if (!nodes.includes(prefer))
        return { ok: false, reason: `${prefer} is not one of the nodes ${nodes.join(', ')}` };
      const failed = failure(prefer);
      if (failed) return { ok: false, reason: `the chosen node does not answer: ${failedText([failed])}` };
      return { ok: true, outputs: { node: prefer }, summary: `${prefer} (chosen) answers service etcd` };
    }
    const skipped: Failed[] = [];
    for (const n of nodes) {
      const f = failure(n);
      if (f === undefined) {
        const note = skipped.length > 0 ? ` (skipped: ${failedText(skipped)})` : '';
        return { ok: true, outputs: { node: n }, summary: `${n} is the first node that answers${note}` };
      }
      if (f.cause !== 'node-unreachable')
        return {
          ok: false,
          reason: `cannot tell whether ${n} answers: ${failedText([f])}; no later node is chosen over it (or pass prefer)`,
        };
      skipped.push(f);
    }
    return { ok: false, reason: `no node answers service etcd: ${failedText(skipped)}` };
  },
});
