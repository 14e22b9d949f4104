import { readsOf } from './reader.js';
import { defineCheck, listText, nodesArg, stringArg } from './verdict.js';
import { answers, failedJson, failedText } from './view.js';

/** The etcd service of every node is in the given STATE (and HEALTH, when asked). */
export const serviceState = defineCheck({
  name: 'service-state',
  reads: (args) => readsOf(['service'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const state = stringArg(args, 'state');
    const health = typeof args.health === 'string' ? args.health : undefined;
    const a = answers(reads.service, nodes);
    const seen = a.answered.map(({ node, value }) => ({ node, svc: value.find((s) => s.id === 'etcd') ?? value[0] }));
    const observed = {
      services: Object.fromEntries(seen.map(({ node, svc }) => [node, svc ? `${svc.state}/${svc.health}` : 'none'])),
      unanswered: failedJson(a.failed),
    };
    const want = health ? `${state} with health ${health}` : state;
    const expected = `etcd ${want} on ${listText(nodes)}`;
    const wrong = seen.filter(
      ({ svc }) => !svc || svc.state !== state || (health !== undefined && svc.health !== health),
    );
    if (wrong.length > 0) {
      const summary = listText(
        wrong.map(({ node, svc }) =>
          svc
            ? `etcd on ${node} is ${svc.state} (health ${svc.health}${svc.lastHealthMessage ? `: ${svc.lastHealthMessage}` : ''})`
            : `${node} shows no etcd service`,
        ),
      );
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    }
    if (a.failed.length > 0)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `etcd is ${want} where seen, but ${failedText(a.failed)}`,
      };
    return { verdict: 'pass', observed, expected, summary: `etcd is ${want} on ${listText(nodes)}` };
  },
});
