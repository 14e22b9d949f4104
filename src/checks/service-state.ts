import { ownService } from './etcd-evidence.js';
import { readsOf } from './reader.js';
import { defineCheck, listText, nodesArg, stringArg } from './verdict.js';
import { answers, type Failed, failedJson, failedText } from './view.js';

/**
 * The etcd service of every node is in the given STATE (and HEALTH, when asked). A node seen in
 * another state fails it; it passes only when every node printed its own etcd block.
 */
export const serviceState = defineCheck({
  name: 'service-state',
  reads: (args) => readsOf(['service'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const state = stringArg(args, 'state');
    const health = typeof args.health === 'string' ? args.health : undefined;
    const a = answers(reads.service, nodes);
    const unseen: Failed[] = [...a.failed];
    const seen = a.answered.flatMap(({ node, value }) => {
      const svc = ownService(value, node);
      if (svc) return [{ node, svc }];
      unseen.push({
        node,
        reason: 'service etcd printed no etcd block of its own',
        unreachable: false,
        cause: 'no-row',
      });
      return [];
    });
    const observed = {
      services: Object.fromEntries(seen.map(({ node, svc }) => [node, `${svc.state}/${svc.health}`])),
      unanswered: failedJson(unseen),
    };
    const want = health ? `${state} with health ${health}` : state;
    const expected = `etcd ${want} on ${listText(nodes)}`;
    const wrong = seen.filter(({ svc }) => svc.state !== state || (health !== undefined && svc.health !== health));
    if (wrong.length > 0) {
      const summary = listText(
        wrong.map(
          ({ node, svc }) =>
            `etcd on ${node} is ${svc.state} (health ${svc.health}${svc.lastHealthMessage ? `: ${svc.lastHealthMessage}` : ''})`,
        ),
      );
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    }
    if (unseen.length > 0)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `${seen.length > 0 ? `etcd is ${want} on ${listText(seen.map((x) => x.node))}, but ` : ''}${failedText(unseen)}`,
      };
    return { verdict: 'pass', observed, expected, summary: `etcd is ${want} on ${listText(nodes)}` };
  },
});
