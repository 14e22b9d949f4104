import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Talosctl } from '../../src/talos/talosctl.js';
import { F_NODES, type FakeTalosctl, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go, tmpLog } from './harness.js';

/**
 * A read step on several nodes starts every node's call together (the step takes the slowest
 * call, not the sum) and reads every node even when one fails; a change stays one node after
 * another and stops at the first failure. The journal keeps node order either way, so a resume
 * replays the same records (the first try at this consumed the replay twice and broke resume).
 */
const RUNBOOK = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-reads, title: Reads (test) }
params:
  nodes: { type: nodes, description: control plane nodes }
steps:
  - id: status
    talosctl: [etcd, status]
    nodes: { ref: params.nodes }
    onFailure: continue
  - id: defrag-each
    foreach: { in: { ref: params.nodes }, as: n }
    steps:
      - id: defrag
        talosctl: [etcd, defrag]
        node: { ref: n }
  - id: confirm-remove
    confirm: { prompt: Remove, token: yes }
  - id: remove
    talosctl: [etcd, remove-member, f3e2d1c0b9a89776]
    node: ${F_NODES[0]}
`;
const PARAMS = [`nodes=${F_NODES.join(',')}`];

/** Wraps a fake so every call takes a few ms and the largest number in flight per command is kept. */
function overlapping(fake: FakeTalosctl, failOn?: string): FakeTalosctl & { most: Map<string, number> } {
  const most = new Map<string, number>();
  const now = new Map<string, number>();
  const run: Talosctl['run'] = fake.run.bind(fake);
  return Object.assign(fake, {
    most,
    run: (async (node, args, opts) => {
      // the gate's own reads run in parallel too: name the status step's calls apart
      const cmd = args.join(' ') === 'etcd status' && !most.has('etcd defrag') ? 'status step' : args.join(' ');
      now.set(cmd, (now.get(cmd) ?? 0) + 1);
      most.set(cmd, Math.max(most.get(cmd) ?? 0, now.get(cmd) ?? 0));
      await new Promise((r) => setTimeout(r, 5));
      now.set(cmd, (now.get(cmd) ?? 1) - 1);
      const r = await run(node, args, opts);
      return node === failOn && cmd === 'status step' ? { ...r, exitCode: 1, stdout: '', stderr: 'rpc error' } : r;
    }) satisfies Talosctl['run'],
  });
}

const resultsOf = (records: { type: string; payload: unknown }[], step: string) =>
  records
    .filter((r) => r.type === 'command-result' && (r.payload as { step: string }).step === step)
    .map((r) => (r.payload as { node: string; exitCode: number }).node);

describe('read steps on several nodes', () => {
  it('start every call together; changes go one node at a time; the journal keeps node order', async () => {
    const fake = overlapping(fakeTalosctl());
    const { result, records } = await go({ fake, text: RUNBOOK, params: PARAMS, approve: ['confirm-remove'] });
    expect(result.exitCode).toBe(0);
    expect(fake.most.get('status step')).toBe(3);
    expect(fake.most.get('etcd defrag')).toBe(1);
    expect(resultsOf(records, 'status')).toEqual([...F_NODES]);
  });

  it('read every node even when one fails', async () => {
    const fake = overlapping(fakeTalosctl(), F_NODES[0]);
    const { records } = await go({ fake, text: RUNBOOK, params: PARAMS, approve: ['confirm-remove'] });
    expect(resultsOf(records, 'status')).toEqual([...F_NODES]);
  });

  it('resume from every record prefix replays the parallel read and runs remove-member once', async () => {
    const full = await go({ fake: fakeTalosctl(), text: RUNBOOK, params: PARAMS, approve: ['confirm-remove'] });
    const lines = readFileSync(full.log, 'utf8').trimEnd().split('\n');
    const resultAt = full.records.findIndex((r) => r.type === 'command-result' && r.payload.step === 'remove');
    for (let k = 1; k <= resultAt; k++) {
      const log = tmpLog();
      writeFileSync(log, `${lines.slice(0, k + 1).join('\n')}\n`);
      const fake = overlapping(fakeTalosctl());
      const { result } = await go({ fake, text: RUNBOOK, params: PARAMS, log, resume: true, approve: ['remove'] });
      const removes = fake.calls.filter((c) => c.args[1] === 'remove-member').length;
      expect([result.exitCode, removes], `cut after record ${k}`).toEqual([0, k >= resultAt ? 0 : 1]);
    }
  });
});
