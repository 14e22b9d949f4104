import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import { compileConfirm } from '../../../src/compile/steps/confirm.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/**
 * A confirm step asks askApproval with the token of what its guarded steps destroy; an approval
 * is stored (with the fingerprint it was given for) for their rechecks; no terminal stops at the
 * gate, a no declines, a broken prompt fails. Nothing guarded runs without the approval.
 */
const steps = (token: string) =>
  compileText(
    `  - id: c
    confirm: { prompt: Remove the member?${token} }
  - id: rm
    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]
    node: { ref: params.node }
  - id: ok
    end: { outcome: success, message: removed }`,
    '  node: { type: node, description: n }\n',
  ).compiled;
const P = { node: '10.0.0.1' };

describe('compileConfirm', () => {
  it('asks with its prompt, the guarded steps and the member id the step removes as the token', async () => {
    const r = await drive(steps(''), P);
    expect(r.inputs.approve).toEqual([
      {
        stepId: 'c',
        prompt: 'Remove the member?',
        token: { type: 'memberId', value: '0a1b2c3d4e5f6a7b' },
        guards: ['rm'],
      },
    ]);
  });

  it('an explicit token replaces the derived one', async () => {
    const r = await drive(steps(', token: { ref: params.node }'), P);
    expect(r.inputs.approve[0]?.token).toEqual({ type: 'node', value: '10.0.0.1' });
  });

  it('approved: the approval is stored for the recheck, then the guarded command runs and consumes it', async () => {
    const r = await drive(steps(''), P);
    expect(r.states).toEqual(['c', 'rm:recheck', 'rm', 'ok']);
    expect(r.calls).toEqual(['ask c', 'recheck rm', 'talosctl rm']);
    // consumed by the command: no approval is left in force after it
    expect((r.context as { approval: unknown }).approval).toBeUndefined();
  });

  it('the approval stored is the one asked: step, fingerprint and token', async () => {
    const { compiled } = compileText(
      `  - id: c
    confirm: { prompt: Go? }
  - id: rm
    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]
    node: { ref: params.node }
    onFailure: { goto: stuck }
  - id: ok
    end: { outcome: success, message: removed }
  - id: stuck
    end: { outcome: failed, message: not removed }`,
      '  node: { type: node, description: n }\n',
    );
    // the command fails: the approval is not consumed, so the context still shows what was stored
    const r = await drive(compiled, P, {
      approve: () => ({ fingerprint: 'fp-approved' }),
      talosctl: () => ({ ok: false, results: [], captured: undefined }),
    });
    expect((r.context as { approval: unknown }).approval).toEqual({
      stepId: 'c',
      fingerprint: 'fp-approved',
      token: { type: 'memberId', value: '0a1b2c3d4e5f6a7b' },
    });
  });

  it('not approved: declined (exit 3), the guarded command never runs', async () => {
    const r = await drive(steps(''), P, { approve: () => ({ approved: false }) });
    expect(r.output).toEqual({ outcome: 'declined', stepId: 'c', message: 'declined by the operator' });
    expect(r.calls).toEqual(['ask c']);
  });

  it('nobody could answer: stopped at the gate, the command never runs', async () => {
    const r = await drive(steps(''), P, { approve: () => ({ approved: false, stopped: true }) });
    expect(r.output).toEqual({
      outcome: 'stopped-at-gate',
      stepId: 'c',
      message: 'no approval in a non-interactive run',
    });
    expect(r.calls).toEqual(['ask c']);
  });

  it('"stopped" with approved true still approves only through the approved guard (it is checked first)', async () => {
    const r = await drive(steps(''), P, { approve: () => ({ approved: true, stopped: true }) });
    expect(r.calls).toEqual(['ask c', 'recheck rm', 'talosctl rm']);
  });
});

describe('compileConfirm: the state it adds', () => {
  it('one askApproval state, role confirm: approved → next (storing the approval), else stopped or declined', () => {
    const { runbook } = compileText(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n  - id: ok\n    end: { outcome: success, message: removed }`,
      '  node: { type: node, description: n }\n',
    );
    const b = startBuild(runbook);
    compileConfirm(b, runbook.steps[0] as never, 'rm:recheck');
    expect(Object.keys(b.states)).toEqual(['c']);
    expect(b.metas.c?.role).toBe('confirm');
    const inv = b.states.c?.invoke;
    expect(inv?.src).toBe('askApproval');
    expect(inv?.onDone.map((t) => [t.target, t.guard, t.actions?.[0]?.type])).toEqual([
      ['#rm:recheck', 'approved', 'storeApproval'],
      ['#@stopped-at-gate', 'stopped', 'noteFailure'],
      ['#@declined', undefined, 'noteFailure'],
    ]);
    expect(inv?.onError.map((t) => t.target)).toEqual(['#@failed']);
  });
});
