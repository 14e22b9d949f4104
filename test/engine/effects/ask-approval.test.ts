import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/audit/log-format.js';
import { createGatekeeper } from '../../../src/engine/approvals.js';
import { askApprovalActor } from '../../../src/engine/effects/ask-approval.js';
import { PromptInterrupted } from '../../../src/engine/prompter.js';
import { REMOVE_GATE, replayStub, runEffect, testEnv } from '../../helpers/engine-env.js';
import { F_IDS, F_NODES, fakeTalosctl } from '../../helpers/fake-talosctl.js';

/**
 * askApproval reads the cluster at the gate, words the prompt from it and asks the gatekeeper;
 * what it returns is exactly the gate's answer (never an approval the gate did not give), with
 * the fingerprint of what was shown. A replayed approval is handed back without asking.
 */
const { steps: STEPS, options: P } = REMOVE_GATE;
const input = REMOVE_GATE.input('Remove the member?');

describe('askApprovalActor', () => {
  it('asks the gate for the confirm and the steps it guards, with the text shown and the fingerprint of what was read', async () => {
    const t = testEnv(STEPS, P);
    const out = await runEffect(askApprovalActor(t.env), input);
    const asked = t.asked[0];
    expect(asked?.covers).toEqual(['c', 'rm']);
    expect(asked?.token).toEqual({ type: 'memberId', value: F_IDS[2] });
    expect(asked?.text).toContain('GATE c: Remove the member?');
    expect(asked?.text).toContain(`Target: memberId ${F_IDS[2]} (on ${F_NODES[2]})`);
    expect(out).toEqual({ approved: true, stopped: false, fingerprint: asked?.fingerprint, by: 'ops@host (tty)' });
    // the digest of what was shown is kept to say later what drifted
    expect(t.env.digests.has(out.fingerprint)).toBe(true);
    // its reads are journaled under the gate's step
    expect(new Set(t.records().map((r) => (r.payload as { step?: string }).step))).toEqual(new Set(['c']));
  });

  it('a declined gate is a declined approval; a stopped gate says stopped (never approved)', async () => {
    const declined = testEnv(STEPS, {
      ...P,
      gate: () => ({ approved: false, by: 'b', how: 'tty', stoppedNonInteractive: false }),
    });
    expect(await runEffect(askApprovalActor(declined.env), input)).toMatchObject({ approved: false, stopped: false });
    const stopped = testEnv(STEPS, {
      ...P,
      gate: () => ({ approved: false, by: 'b', how: 'none', stoppedNonInteractive: true }),
    });
    expect(await runEffect(askApprovalActor(stopped.env), input)).toMatchObject({
      approved: false,
      stopped: true,
      by: 'b (none)',
    });
  });

  it('with the real gatekeeper: three wrong tokens typed, the effect returns not approved', async () => {
    const t = testEnv(STEPS, P);
    const answers = ['yes', F_IDS[1], ''];
    const gate = createGatekeeper(
      { interactive: true, preApproved: new Set(), operator: 'alice' },
      { interactive: true, input: async () => answers.shift() ?? 'never' },
      { journal: t.env.journal, events: t.env.events },
    );
    t.env.gate = gate;
    const out = await runEffect(askApprovalActor(t.env), input);
    // 'yes' and the wrong member id count; the empty answer does not; 'never' is the third wrong one
    expect(out.approved).toBe(false);
    expect(out.stopped).toBe(false);
  });

  it('a prompt closed by Ctrl-C or EOF interrupts the run and rejects (no approval)', async () => {
    const t = testEnv(STEPS, {
      ...P,
      gate: () => {
        throw new PromptInterrupted('closed by Ctrl-C');
      },
    });
    await expect(runEffect(askApprovalActor(t.env), input)).rejects.toThrow('closed by Ctrl-C');
    expect(t.interrupts).toEqual(['closed by Ctrl-C']);
  });

  it('any other failure of the prompt rejects without calling it an interrupt', async () => {
    const t = testEnv(STEPS, {
      ...P,
      gate: () => {
        throw new Error('terminal broke');
      },
    });
    await expect(runEffect(askApprovalActor(t.env), input)).rejects.toThrow('terminal broke');
    expect(t.interrupts).toEqual([]);
  });

  it('a re-approval reads under <step>:reapprove, apart from the step own command records', async () => {
    const t = testEnv(STEPS, P);
    await runEffect(askApprovalActor(t.env), { ...input, stepId: 'rm', guards: ['rm'], again: true });
    const steps = new Set(t.records().map((r) => (r.payload as { step?: string }).step));
    expect(steps).toEqual(new Set(['rm:reapprove']));
    expect(t.asked[0]?.covers).toEqual(['rm', 'rm']);
  });

  it('another cluster shown, another fingerprint: the approval covers what was read', async () => {
    const a = testEnv(STEPS, P);
    const b = testEnv(STEPS, { ...P, talosctl: fakeTalosctl() });
    b.talosctl.state.leader = F_IDS[1];
    const fa = (await runEffect(askApprovalActor(a.env), input)).fingerprint;
    const fb = (await runEffect(askApprovalActor(b.env), input)).fingerprint;
    expect(fa).toMatch(/^[0-9a-f]{64}$/);
    expect(fb).not.toBe(fa);
    const again = testEnv(STEPS, P);
    expect((await runEffect(askApprovalActor(again.env), input)).fingerprint).toBe(fa);
  });

  it('replay: a recorded approval is handed back as recorded, nothing is read or asked', async () => {
    const rec = {
      payload: { step: 'c', who: 'bob (tty)', fingerprint: 'a'.repeat(64), approved: true },
    } as unknown as LogRecord<'approval'>;
    const t = testEnv(STEPS, { ...P, replay: replayStub({ approval: (s) => (s === 'c' ? rec : undefined) }) });
    const out = await runEffect(askApprovalActor(t.env), input);
    expect(out).toEqual({ approved: true, fingerprint: 'a'.repeat(64), by: 'bob (tty)' });
    expect(t.asked).toEqual([]);
    expect(t.talosctl.calls).toEqual([]);
  });
});
