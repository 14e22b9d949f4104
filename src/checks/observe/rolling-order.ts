import { readsOf } from '../reader.js';
import { listText, nodesArg } from '../verdict.js';
import { leader } from './leader.js';
import { defineObservation } from './observation.js';

/**
 * Followers first (in the given order), the leader last: one leader change instead of several.
 * It rests on `leader`: when a node's member was not seen, no order is given.
 */
export const rollingOrder = defineObservation({
  name: 'rolling-order',
  reads: (args) => readsOf(['status', 'members'], nodesArg(args)),
  derive(reads, args) {
    const nodes = [...new Set(nodesArg(args))];
    const l = leader.derive(reads, args);
    if (!l.ok) return l;
    const leaderNode = String(l.outputs.node);
    const followers = nodes.filter((n) => n !== leaderNode);
    const order = [...followers, leaderNode];
    return {
      ok: true,
      outputs: { order, followers, leader: leaderNode, probe: followers[0] ?? leaderNode, rest: followers.slice(1) },
      summary: `order ${listText(order)} (leader ${leaderNode} last)`,
    };
  },
});
