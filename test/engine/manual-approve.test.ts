import { describe, expect, it } from 'vitest';
import { fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go } from './harness.js';

/**
 * Found by the crash campaign: without a terminal a manual step stopped the run with the hint
 * "resume … --approve <step>", but that flag was ignored for manual steps, so a CI or scripted
 * run of replace-lost-member / restore-from-snapshot could never finish.
 */
const MANUAL = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-manual, title: Manual step (test) }
params:
  nodes: { type: nodes, description: control plane nodes }
steps:
  - id: power-on
    manual: { prompt: Power the machines on, instructions: Press the buttons }
  - id: after
    talosctl: [etcd, status]
    nodes: { ref: params.nodes }
`;

describe('a manual step without a terminal', () => {
  it('stops (exit 3) without --approve, and is confirmed done by --approve <step>', async () => {
    const stopped = await go({ fake: fakeTalosctl(), text: MANUAL, params: ['nodes=10.5.0.2'] });
    expect(stopped.result.exitCode).toBe(3);
    const done = await go({ fake: fakeTalosctl(), text: MANUAL, params: ['nodes=10.5.0.2'], approve: ['power-on'] });
    expect(done.result.exitCode, JSON.stringify(done.result)).toBe(0);
    expect(done.records.some((r) => r.type === 'deviation' && r.payload.kind === 'flag-approval')).toBe(true);
  });
});
