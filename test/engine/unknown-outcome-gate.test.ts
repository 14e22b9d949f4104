import { describe, expect, it } from 'vitest';
import { F_IDS, F_NODES, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { cutAfterFirstIntent, go } from './harness.js';

/**
 * The review's attack: an irreversible step whose onFailure goes to ANOTHER confirm and
 * irreversible step. A crash left `etcd leave` with an unknown outcome; the resume had
 * `--approve confirm-remove` only. The missing re-approval of `leave` was thrown, taken for a
 * step failure, and onFailure led on — `etcd leave` ran, then the run said "stopped at remove".
 * Now the unknown outcome is settled by machine states: leave:reobserve, then leave:reapprove,
 * which nobody answers: the run ends @stopped-at-gate (exit 3) and nothing runs.
 */
const RUNBOOK = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-leave, title: Leave or remove (test) }
params:
  nodes: { type: nodes, description: control plane nodes }
steps:
  - id: confirm-leave
    confirm: { prompt: The member on ${F_NODES[2]} leaves }
  - id: leave
    talosctl: [etcd, leave]
    node: ${F_NODES[2]}
    onFailure: { goto: confirm-remove }
    done:
      check: member-absent
      with: { nodes: { ref: params.nodes }, member: ${F_IDS[2]} }
      timeout: 300ms
      interval: 100ms
  - id: ok
    end: { outcome: success, message: left }
  - id: confirm-remove
    confirm: { prompt: Remove it by id }
  - id: remove
    talosctl: [etcd, remove-member, ${F_IDS[2]}]
    node: ${F_NODES[0]}
    done:
      check: member-absent
      with: { nodes: { ref: params.nodes }, member: ${F_IDS[2]} }
`;
const PARAMS = [`nodes=${F_NODES.join(',')}`];

const crashedAtLeave = (): Promise<string> =>
  cutAfterFirstIntent({ text: RUNBOOK, params: PARAMS, approve: ['confirm-leave'] });

describe('an unknown outcome never falls through to onFailure without an approval', () => {
  it('resumed with --approve for the other confirm only: nothing runs, exit 3 at leave', async () => {
    const log = await crashedAtLeave();
    const fake = fakeTalosctl();
    const { result } = await go({
      fake,
      text: RUNBOOK,
      params: PARAMS,
      log,
      resume: true,
      approve: ['confirm-remove'],
    });
    const changes = fake.calls.filter((c) => c.args.join(' ') === 'etcd leave' || c.args[1] === 'remove-member');
    expect(changes).toEqual([]);
    expect([result.exitCode, result.outcome, result.stepId]).toEqual([3, 'stopped-at-gate', 'leave']);
  });

  it('with --approve leave it runs leave once, after a live recheck', async () => {
    const log = await crashedAtLeave();
    const fake = fakeTalosctl();
    const { result, records } = await go({
      fake,
      text: RUNBOOK,
      params: PARAMS,
      log,
      resume: true,
      approve: ['leave'],
    });
    expect(result.exitCode, JSON.stringify(result)).toBe(0);
    expect(fake.calls.filter((c) => c.args.join(' ') === 'etcd leave')).toHaveLength(1);
    const recheck = records.filter(
      (r) => r.type === 'check' && (r.payload as { step: string }).step === 'leave:recheck',
    );
    // the first attempt's recheck is in the log; the second one was read live in this process
    expect(recheck.length).toBe(2);
    const liveReads = records.filter(
      (r) => r.type === 'command-result' && (r.payload as { step: string }).step === 'leave:recheck',
    );
    expect(fake.calls.filter((c) => c.args.join(' ') === 'etcd members').length).toBeGreaterThan(0);
    expect(liveReads.length).toBeGreaterThanOrEqual(2 * F_NODES.length);
  });

  it('a gated command cut short by its timeout is unknown: re-observed, not failed into onFailure', async () => {
    const fake = fakeTalosctl();
    fake.hang = 'etcd leave';
    const text = RUNBOOK.replace(
      '    onFailure: { goto: confirm-remove }\n',
      '    timeout: 200ms\n    onFailure: { goto: confirm-remove }\n',
    );
    const { result, records } = await go({ fake, text, params: PARAMS, approve: ['confirm-leave', 'confirm-remove'] });
    expect(fake.calls.filter((c) => c.args[1] === 'remove-member')).toEqual([]);
    expect([result.exitCode, result.outcome, result.stepId]).toEqual([3, 'stopped-at-gate', 'leave']);
    expect(records.some((r) => r.type === 'check' && (r.payload as { step: string }).step === 'leave:reobserve')).toBe(
      true,
    );
  });
});
