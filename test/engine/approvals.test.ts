import { describe, expect, it } from 'vitest';
import type { AnyRecord } from '../../src/audit/log-format.js';
import { createGatekeeper, type GatePolicy, type GateRequest } from '../../src/engine/approvals.js';
import { createRunEvents, type RunEvent } from '../../src/engine/events.js';
import { Journal } from '../../src/engine/journal.js';
import { type Prompter, PromptInterrupted } from '../../src/engine/prompter.js';
import { memorySink, steppingClock } from '../helpers/sample-log.js';

/**
 * The gate: in a terminal only the exact token approves (a bare Enter, another text, a typo, the
 * wrong case, a closed prompt never do); decline words or three wrong answers decline; without a
 * terminal it stops unless --approve named a step it covers (for that target, or bare).
 */
const MEMBER = '0a1b2c3d4e5f6a7b';
const req = (over: Partial<GateRequest> = {}): GateRequest => ({
  stepId: 'confirm-remove',
  covers: ['confirm-remove', 'remove'],
  text: 'Remove the member?',
  token: { type: 'memberId', value: MEMBER },
  fingerprint: 'f'.repeat(64),
  ...over,
});

/** A prompter that answers from a script; running out of answers is the prompt closing (EOF). */
function scripted(answers: Array<string | Error>, interactive = true): Prompter & { asked: string[] } {
  const asked: string[] = [];
  return {
    interactive,
    asked,
    async input(message) {
      asked.push(message);
      const a = answers.shift();
      if (a === undefined) throw new PromptInterrupted('the prompt was closed (EOF)');
      if (a instanceof Error) throw a;
      return a;
    },
  };
}

function gatekeeper(answers: Array<string | Error>, policy: Partial<GatePolicy> = {}, interactivePrompter = true) {
  const sink = memorySink();
  const journal = Journal.create('mem', { sink, clock: steppingClock() });
  const events: RunEvent[] = [];
  const prompter = scripted(answers, interactivePrompter);
  const gate = createGatekeeper(
    { interactive: true, preApproved: new Set(), operator: 'alice@bastion', ...policy },
    prompter,
    { journal, events: createRunEvents((e) => events.push(e)) },
  );
  const records = () =>
    sink
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AnyRecord);
  return { gate, prompter, events, records };
}
const signal = new AbortController().signal;

describe('a gate in a terminal', () => {
  it('the exact token approves (surrounding spaces trimmed), recorded with who, how and the target', async () => {
    const g = gatekeeper([`  ${MEMBER} `]);
    const a = await g.gate.ask(req(), signal);
    expect(a).toEqual({ approved: true, by: 'alice@bastion', how: 'tty', stoppedNonInteractive: false });
    expect(g.prompter.asked).toEqual([`Type ${MEMBER} to approve, or "no" to stop:`]);
    const [request, approval] = g.records();
    expect(request).toMatchObject({ type: 'approval-request', payload: { step: 'confirm-remove', token: MEMBER } });
    expect(approval).toMatchObject({
      type: 'approval',
      payload: { step: 'confirm-remove', who: 'alice@bastion', how: 'tty', approved: true, target: MEMBER },
    });
  });

  it.each([
    ['a typo (one character off)', '0a1b2c3d4e5f6a7c'],
    ['the wrong case', MEMBER.toUpperCase()],
    ['"yes" where a member id is asked', 'yes'],
    ['a prefix of the token', MEMBER.slice(0, 8)],
  ])('never approves on %s: three wrong answers decline', async (_what, wrong) => {
    const g = gatekeeper([wrong, wrong, wrong, MEMBER]);
    const a = await g.gate.ask(req(), signal);
    expect(a.approved).toBe(false);
    expect(a.stoppedNonInteractive).toBe(false);
    expect(g.prompter.asked).toHaveLength(3);
    expect(
      g.events.filter((e) => e.code === 'TDR_W_TOKEN_MISMATCH').map((e) => (e.data as { triesLeft: number }).triesLeft),
    ).toEqual([2, 1]);
    expect(g.records().at(-1)).toMatchObject({ type: 'approval', payload: { approved: false, how: 'tty' } });
  });

  it('two wrong answers, then the token: approved (the third try is still a try)', async () => {
    const g = gatekeeper(['nope', 'x', MEMBER]);
    expect((await g.gate.ask(req(), signal)).approved).toBe(true);
  });

  it('a bare Enter never approves and is not counted as a wrong answer: it asks again', async () => {
    const g = gatekeeper(['', '', '', '', MEMBER]);
    expect((await g.gate.ask(req(), signal)).approved).toBe(true);
    expect(g.prompter.asked).toHaveLength(5);
  });

  it('a bare Enter then the prompt closes (EOF): rejects, no approval is recorded', async () => {
    const g = gatekeeper(['']);
    await expect(g.gate.ask(req(), signal)).rejects.toBeInstanceOf(PromptInterrupted);
    expect(g.records().filter((r) => r.type === 'approval')).toEqual([]);
  });

  it.each(['no', 'N', 'abort', 'Decline', 'STOP'])('"%s" declines at once', async (word) => {
    const g = gatekeeper([word, MEMBER]);
    const a = await g.gate.ask(req(), signal);
    expect(a).toEqual({ approved: false, by: 'alice@bastion', how: 'tty', stoppedNonInteractive: false });
    expect(g.prompter.asked).toHaveLength(1);
  });

  it('no target: the token is "yes", and only "yes" approves', async () => {
    const g = gatekeeper(['y', 'yes']);
    expect((await g.gate.ask(req({ token: undefined }), signal)).approved).toBe(true);
    expect(g.prompter.asked[0]).toBe('Type yes to approve, or "no" to stop:');
    const approval = g.records().find((r) => r.type === 'approval');
    expect(approval?.payload).not.toHaveProperty('target');
  });
});

describe('a gate without a terminal', () => {
  it('stops (nobody can answer), asks nothing and records no approval', async () => {
    for (const g of [gatekeeper([MEMBER], { interactive: false }), gatekeeper([MEMBER], {}, false)]) {
      const a = await g.gate.ask(req(), signal);
      expect(a).toEqual({ approved: false, by: 'alice@bastion', how: 'none', stoppedNonInteractive: true });
      expect(g.prompter.asked).toEqual([]);
      expect(g.records().map((r) => r.type)).toEqual(['approval-request', 'step-end']);
    }
  });

  it('--approve of any covered step approves without a prompt, recorded as a flag approval and a deviation', async () => {
    const g = gatekeeper([], { interactive: false, preApproved: new Set(['remove']) });
    const a = await g.gate.ask(req(), signal);
    expect(a).toEqual({ approved: true, by: 'alice@bastion', how: 'flag', stoppedNonInteractive: false });
    const dev = g.records().find((r) => r.type === 'deviation');
    expect(dev?.payload).toEqual({
      step: 'confirm-remove',
      kind: 'flag-approval',
      detail: `approved without a prompt by --approve remove (a bare --approve covers every target of the step; this one: ${MEMBER}) (operator alice@bastion)`,
    });
  });

  it('--approve <step>@<target> approves that target only', async () => {
    const right = gatekeeper([], { interactive: false, preApproved: new Set([`remove@${MEMBER}`]) });
    expect((await right.gate.ask(req(), signal)).approved).toBe(true);
    expect(right.records().find((r) => r.type === 'deviation')?.payload).toMatchObject({
      detail: `approved without a prompt by --approve remove@${MEMBER} (operator alice@bastion)`,
    });
    const wrong = gatekeeper([], { interactive: false, preApproved: new Set(['remove@ffffffffffffffff']) });
    const a = await wrong.gate.ask(req(), signal);
    expect(a.approved).toBe(false);
    expect(a.stoppedNonInteractive).toBe(true);
  });

  it('--approve of a step the gate does not cover does not approve', async () => {
    const g = gatekeeper([], { interactive: false, preApproved: new Set(['other-step']) });
    expect((await g.gate.ask(req(), signal)).stoppedNonInteractive).toBe(true);
  });
});
