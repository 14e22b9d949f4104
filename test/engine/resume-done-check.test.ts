import { describe, expect, it } from 'vitest';
import { F_IDS, fakeState, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { cutAfterFirstIntent, go, REMOVE_RUNBOOK, removeCalls } from './harness.js';

/**
 * A talosctl step's `done:` check decides an unknown outcome on resume (a crash between the
 * intent and the result): polled up to its timeout, it says the command took effect; when it
 * does not, `otherwise: fail` follows onFailure and `ask` needs an approval naming the step.
 * Found by the crash campaign: `etcd leave` ran twice when a blanket approval re-ran it.
 */
const done = (extra: string) =>
  REMOVE_RUNBOOK.replace(
    '    node: { ref: params.healthy }\n',
    `    node: { ref: params.healthy }
    done:
      check: member-absent
      with: { nodes: { ref: params.nodes }, member: { ref: params.member } }
      timeout: 400ms
      interval: 100ms
${extra}`,
  );
const FALLBACK = `      otherwise: fail
    onFailure: { goto: by-hand }
`;
const ENDS = `  - id: ok
    end: { outcome: success, message: removed }
  - id: by-hand
    end: { outcome: failed, message: remove it by hand }
`;

/** A log cut right after the remove command's intent: the crash left its outcome unknown. */
const crashedAtIntent = (text: string): Promise<string> => cutAfterFirstIntent({ text, approve: ['confirm-remove'] });

const reobserved = (records: { type: string; payload: unknown }[]) =>
  records.filter((r) => r.type === 'check' && (r.payload as { step: string }).step === 'remove:reobserve');

describe('done: decides an unknown outcome on resume', () => {
  it('polls until the effect shows, then treats the step as done without running it again', async () => {
    const log = await crashedAtIntent(done(''));
    const fake = fakeTalosctl(fakeState());
    let lists = 0;
    fake.onCall = (args) => {
      // the removal lands while the resumed run is already looking
      if (args.join(' ') === 'etcd members' && ++lists === 6) {
        fake.state.members = fake.state.members.filter((m) => m.id !== F_IDS[2]);
      }
    };
    const { result, records } = await go({ fake, text: done(''), log, resume: true, approve: ['remove'] });
    expect(result.exitCode, JSON.stringify(result)).toBe(0);
    expect(removeCalls(fake)).toHaveLength(0);
    expect(reobserved(records).length).toBeGreaterThan(1);
    expect(reobserved(records).at(-1)?.payload).toMatchObject({ verdict: 'pass' });
  });

  it('otherwise: fail counts the attempt as failed and follows onFailure, never running it again', async () => {
    const text = done(FALLBACK) + ENDS;
    const log = await crashedAtIntent(text);
    const fake = fakeTalosctl(fakeState());
    const { result, records } = await go({ fake, text, log, resume: true, approve: ['confirm-remove', 'remove'] });
    expect(removeCalls(fake)).toHaveLength(0);
    expect([result.exitCode, result.stepId]).toEqual([1, 'by-hand']);
    expect(reobserved(records).length).toBeGreaterThanOrEqual(3); // polled to its 400 ms bound
    // the machine's :reobserve state ended on its timeout, the check never held: onFailure followed
    expect(reobserved(records).every((r) => (r.payload as { verdict: string }).verdict !== 'pass')).toBe(true);
    expect(records.some((r) => r.type === 'deviation' && r.payload.kind === 'skip')).toBe(false);
  });

  it('otherwise: ask (default) needs an approval of the step itself, not of its confirm', async () => {
    const text = done('');
    const log = await crashedAtIntent(text);
    const stale = fakeTalosctl(fakeState());
    const first = await go({ fake: stale, text, log, resume: true, approve: ['confirm-remove'] });
    expect([first.result.exitCode, removeCalls(stale).length]).toEqual([3, 0]);
    const fake = fakeTalosctl(fakeState());
    const second = await go({ fake, text, log, resume: true, approve: ['remove'] });
    expect([second.result.exitCode, removeCalls(fake).length]).toEqual([0, 1]);
    const gate = second.records.filter((r) => r.type === 'approval-request').at(-1);
    expect(gate?.payload).toMatchObject({
      step: 'remove',
      prompt: expect.stringMatching(/may or may not have run.*member-absent does not hold/),
    });
  });
});
