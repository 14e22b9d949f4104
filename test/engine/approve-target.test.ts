import { describe, expect, it } from 'vitest';
import { F_NODES, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go } from './harness.js';

/**
 * An approval is bound to its target. In a loop, `--approve <confirm>@<node>` approves that
 * iteration only; a bare `--approve <confirm>` approves every iteration, says so at the gate,
 * and is recorded once per target. (The review: one `--approve wipe` approved every iteration
 * while the docs said one approval per node.)
 */
const LOOP = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-loop, title: Reboot each node (test) }
params:
  nodes: { type: nodes, description: control plane nodes }
steps:
  - id: each
    foreach: { in: { ref: params.nodes }, as: n }
    steps:
      - id: confirm-reboot
        confirm: { prompt: Reboot this node }
      - id: reboot
        talosctl: [reboot]
        node: { ref: n }
`;
const PARAMS = [`nodes=${F_NODES.join(',')}`];
const reboots = (fake: ReturnType<typeof fakeTalosctl>) =>
  fake.calls.filter((c) => c.args[0] === 'reboot').map((c) => c.node);

describe('--approve and targets', () => {
  it('<confirm>@<node> approves that iteration only; the next one stops at its gate (exit 3)', async () => {
    const fake = fakeTalosctl();
    const { result, records } = await go({
      fake,
      text: LOOP,
      params: PARAMS,
      approve: [`confirm-reboot@${F_NODES[0]}`],
    });
    expect(result.exitCode).toBe(3);
    expect(result.outcome).toBe('stopped-at-gate');
    expect(reboots(fake)).toEqual([F_NODES[0]]);
    const approvals = records.filter((r) => r.type === 'approval');
    expect(approvals.map((r) => (r.payload as { target?: string }).target)).toEqual([F_NODES[0]]);
  });

  it('a bare --approve covers every iteration, says so at the gate, and is recorded per target', async () => {
    const fake = fakeTalosctl();
    const { result, records } = await go({ fake, text: LOOP, params: PARAMS, approve: ['confirm-reboot'] });
    expect(result.exitCode, JSON.stringify(result)).toBe(0);
    expect(reboots(fake)).toEqual([...F_NODES]);
    const approvals = records.filter((r) => r.type === 'approval');
    expect(approvals.map((r) => (r.payload as { target?: string }).target)).toEqual([...F_NODES]);
    const prompt = String((records.find((r) => r.type === 'approval-request')?.payload as { prompt: string }).prompt);
    expect(prompt).toContain('--approve confirm-reboot covers every iteration');
    expect(prompt).toContain(`--approve confirm-reboot@${F_NODES[0]} covers this one only`);
    const flags = records.filter((r) => r.type === 'deviation' && r.payload.kind === 'flag-approval');
    expect(flags).toHaveLength(3);
    expect(String((flags[1]?.payload as { detail: string }).detail)).toContain(`this one: ${F_NODES[1]}`);
  });

  it('a disruptive gated step runs its quorum check after the recheck, live, on every iteration', async () => {
    const fake = fakeTalosctl();
    const { records } = await go({ fake, text: LOOP, params: PARAMS, approve: ['confirm-reboot'] });
    const steps = records
      .filter((r) => r.type === 'check' || r.type === 'command-intent')
      .map((r) => (r.type === 'check' ? (r.payload as { step: string }).step : 'INTENT'));
    expect(steps).toEqual([
      'reboot:recheck',
      'reboot:quorum',
      'INTENT',
      'reboot:recheck',
      'reboot:quorum',
      'INTENT',
      'reboot:recheck',
      'reboot:quorum',
      'INTENT',
    ]);
  });
});
