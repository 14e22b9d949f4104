import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/audit/log-format.js';
import { askApprovalActor } from '../../../src/engine/effects/ask-approval.js';
import { recheckApprovalActor } from '../../../src/engine/effects/recheck-approval.js';
import { REMOVE_GATE, replayStub, runEffect, testEnv } from '../../helpers/engine-env.js';
import { F_IDS } from '../../helpers/fake-talosctl.js';

/**
 * recheckApproval re-reads what the gate read and compares fingerprints right before the
 * irreversible command: the same cluster keeps the approval; any change — or no approval in
 * force — voids it (journaled, with what drifted). A recorded recheck is replayed only for an
 * attempt whose command is in the log.
 */
const { steps: STEPS, options: P } = REMOVE_GATE;
const ask = REMOVE_GATE.input('Go?');

/** The gate approves on one env; the recheck then runs on the same env. */
async function approved() {
  const t = testEnv(STEPS, P);
  const a = await runEffect(askApprovalActor(t.env), ask);
  const approval = { stepId: 'c', fingerprint: a.fingerprint, token: ask.token };
  return { t, approval };
}

describe('recheckApprovalActor', () => {
  it('the same cluster: unchanged, a passing approval-fingerprint check, nothing voided', async () => {
    const { t, approval } = await approved();
    const before = t.records().length;
    const out = await runEffect(recheckApprovalActor(t.env), { stepId: 'rm', approval });
    expect(out).toEqual({ unchanged: true, detail: 'the cluster is as it was when approved' });
    const mine = t.records().slice(before);
    const check = mine.find((r) => r.type === 'check');
    expect(check?.payload).toMatchObject({
      step: 'rm:recheck',
      name: 'approval-fingerprint',
      args: { approvedAt: 'c' },
      verdict: 'pass',
      observed: { approved: approval.fingerprint, now: approval.fingerprint },
    });
    expect(mine.some((r) => r.type === 'approval-voided')).toBe(false);
  });

  it.each([
    [
      'the leader moved',
      (s: { leader: string }) => {
        s.leader = F_IDS[1];
      },
    ],
    [
      'an alarm was raised',
      (s: { alarms: Array<{ member: string; kind: string }> }) =>
        void s.alarms.push({ member: F_IDS[0], kind: 'NOSPACE' }),
    ],
    [
      'a member left',
      (s: { members: Array<{ id: string }> }) => {
        s.members.splice(1, 1);
      },
    ],
  ])('%s since the approval: voided, saying what drifted, recorded before the command', async (_what, drift) => {
    const { t, approval } = await approved();
    drift(t.talosctl.state as never);
    const out = await runEffect(recheckApprovalActor(t.env), { stepId: 'rm', approval });
    expect(out.unchanged).toBe(false);
    expect(out.detail).toMatch(/^the cluster changed since the approval: /);
    expect(out.detail).not.toContain('the state fingerprint differs');
    const voided = t.records().find((r) => r.type === 'approval-voided');
    expect(voided?.payload).toMatchObject({ step: 'rm', reason: out.detail });
    expect(t.records().find((r) => r.type === 'check' && r.payload.step === 'rm:recheck')?.payload).toMatchObject({
      verdict: 'fail',
    });
  });

  it('a changed cluster whose approved digest this process never saw: voided, "the state fingerprint differs"', async () => {
    const { t, approval } = await approved();
    t.env.digests.clear();
    t.talosctl.state.leader = F_IDS[1];
    const out = await runEffect(recheckApprovalActor(t.env), { stepId: 'rm', approval });
    expect(out).toEqual({
      unchanged: false,
      detail: 'the cluster changed since the approval: the state fingerprint differs',
    });
  });

  it('no approval in force: never unchanged, and nothing is read', async () => {
    const t = testEnv(STEPS, P);
    const out = await runEffect(recheckApprovalActor(t.env), { stepId: 'rm', approval: undefined });
    expect(out).toEqual({ unchanged: false, detail: 'no approval is in force for rm' });
    expect(t.talosctl.calls).toEqual([]);
  });

  it('an approval for another fingerprint (forged or stale): voided even though the cluster did not move', async () => {
    const { t, approval } = await approved();
    const out = await runEffect(recheckApprovalActor(t.env), {
      stepId: 'rm',
      approval: { ...approval, fingerprint: '0'.repeat(64) },
    });
    expect(out.unchanged).toBe(false);
  });

  const recorded = (verdict: 'pass' | 'fail') =>
    ({ payload: { step: 'rm:recheck', verdict, summary: `recorded ${verdict}` } }) as unknown as LogRecord<'check'>;

  it('replay: a recorded recheck is replayed only when the step command is in the log', async () => {
    const replay = replayStub({ check: () => recorded('pass'), hasCommand: (s) => s === 'rm' });
    const t = testEnv(STEPS, { ...P, replay });
    const out = await runEffect(recheckApprovalActor(t.env), { stepId: 'rm', approval: undefined });
    expect(out).toEqual({ unchanged: true, detail: 'recorded pass' });
    expect(t.talosctl.calls).toEqual([]);
    expect(replay.wentLive).toBe(0);
  });

  it('replay: before a command that will run live, the recheck reads live whatever the log says', async () => {
    const replay = replayStub({ check: () => recorded('pass'), hasCommand: () => false });
    const t = testEnv(STEPS, { ...P, replay });
    const out = await runEffect(recheckApprovalActor(t.env), { stepId: 'rm', approval: undefined });
    // the recorded pass is NOT used: no approval is in force for the live attempt
    expect(out.unchanged).toBe(false);
    expect(replay.wentLive).toBe(1);
  });
});
