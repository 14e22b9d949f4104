import { readsOf } from './reader.js';
import { defineCheck, listText, nodesArg } from './verdict.js';
import { answers, failedJson, failedText, firstFailures, statusRows } from './view.js';
import { memberText, statusErrorText } from './words.js';

/**
 * No etcd alarm is raised and no member reports status errors. An alarm or a status error seen
 * fails it; it passes only when every node printed its alarm list and its own status row.
 */
export const noAlarms = defineCheck({
  name: 'no-alarms',
  reads: (args) => readsOf(['alarms', 'status'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const a = answers(reads.alarms, nodes);
    const s = statusRows(reads, nodes);
    const raised = new Map<string, Set<string>>(); // "KIND on member X on N" -> nodes that report it
    const nodeOf = (id: string) => s.answered.find((r) => r.value.member === id)?.node;
    for (const { value } of a.answered)
      for (const x of value) {
        if (x.kind === 'NONE') continue;
        const key = `${x.kind} on ${memberText(x.member, nodeOf(x.member))}`;
        raised.set(key, new Set([...(raised.get(key) ?? []), x.node]));
      }
    const errors = s.answered.filter((r) => r.value.errors.length > 0);
    const observed = {
      alarms: [...raised.keys()],
      statusErrors: Object.fromEntries(errors.map((r) => [r.node, r.value.errors])),
      unanswered: failedJson(firstFailures(a.failed, s.failed)),
    };
    const expected = 'no alarm raised and no status errors';
    const problems = [
      ...[...raised.entries()].map(([k, ns]) => `${k} is raised (seen from ${listText([...ns])})`),
      ...errors.map(
        (r) =>
          `member ${r.value.member} on ${r.node} reports ${r.value.errors.map((e) => statusErrorText(e, nodeOf)).join(', ')}`,
      ),
    ];
    if (problems.length > 0)
      return {
        verdict: 'fail',
        observed,
        expected: `${expected}, last saw ${problems.join('; ')}`,
        summary: problems.join('; '),
      };
    const texts = [
      ...(a.failed.length > 0 ? [`alarm list: ${failedText(a.failed)}`] : []),
      ...(s.failed.length > 0 ? [`etcd status: ${failedText(s.failed)}`] : []),
    ];
    if (texts.length > 0)
      return { verdict: 'unknown', observed, expected, summary: `no alarm seen, but ${texts.join('; ')}` };
    return {
      verdict: 'pass',
      observed,
      expected,
      summary: `no alarm raised and no status errors on ${listText(nodes)}`,
    };
  },
});
