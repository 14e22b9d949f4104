import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/audit/log-format.js';
import { awaitManualActor } from '../../../src/engine/effects/await-manual.js';
import { type Prompter, PromptInterrupted } from '../../../src/engine/prompter.js';
import { replayStub, runEffect, testEnv } from '../../helpers/engine-env.js';

/**
 * awaitManual: only the words "done" or "abort" end a manual step in a terminal (anything else
 * asks again); without a terminal it stops (exit 3) unless `--approve <step>` said done; a drill
 * handler acts instead of a person (journaled as drill-operator); a replayed answer is reused.
 */
const STEPS = `  - id: m\n    manual: { instructions: Power the node on, prompt: Is it on? }\n  - id: ok\n    end: { outcome: success, message: ok }`;
const input = { stepId: 'm', instructions: 'Power the node on', prompt: 'Is it on?' };

function answering(answers: Array<string | Error>, interactive = true): Prompter & { asked: number } {
  const p = {
    interactive,
    asked: 0,
    async input() {
      p.asked++;
      const a = answers.shift();
      if (a === undefined) throw new PromptInterrupted('EOF');
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return p;
}

describe('awaitManualActor in a terminal', () => {
  it('anything but "done" or "abort" asks again; " done " (spaces) is done', async () => {
    const t = testEnv(STEPS);
    const p = answering(['ok', 'yes', 'Done', '', ' done ']);
    expect(await runEffect(awaitManualActor(t.env, p), input)).toEqual({ done: true });
    expect(p.asked).toBe(5);
    expect(t.records().find((r) => r.type === 'step-end')?.payload).toEqual({ step: 'm', outcome: 'done' });
  });

  it('"abort": not done, recorded as such', async () => {
    const t = testEnv(STEPS);
    expect(await runEffect(awaitManualActor(t.env, answering(['abort'])), input)).toEqual({ done: false });
    expect(t.records().find((r) => r.type === 'step-end')?.payload).toEqual({ step: 'm', outcome: 'not done' });
  });

  it('the prompt closed (EOF, Ctrl-C): the run is interrupted and the step never counts as done', async () => {
    const t = testEnv(STEPS);
    await expect(runEffect(awaitManualActor(t.env, answering([])), input)).rejects.toThrow('EOF');
    expect(t.interrupts).toEqual(['EOF']);
    expect(t.records().filter((r) => r.type === 'step-end')).toEqual([]);
  });

  it('in a terminal, --approve of the step does not answer for the operator: it still asks', async () => {
    const t = testEnv(STEPS, { preApproved: new Set(['m']) });
    const p = answering(['abort']);
    expect(await runEffect(awaitManualActor(t.env, p), input)).toEqual({ done: false });
    expect(p.asked).toBe(1);
  });

  it('shows the instructions first (TDR_I_MANUAL)', async () => {
    const t = testEnv(STEPS);
    await runEffect(awaitManualActor(t.env, answering(['done'])), input);
    expect(t.events[0]).toEqual({ code: 'TDR_I_MANUAL', data: input });
  });
});

describe('awaitManualActor without a terminal', () => {
  it('stops (resumable), asking nothing', async () => {
    const t = testEnv(STEPS);
    const p = answering(['done'], false);
    expect(await runEffect(awaitManualActor(t.env, p), input)).toEqual({ done: false, stopped: true });
    expect(p.asked).toBe(0);
    expect(t.events.map((e) => e.code)).toContain('TDR_W_MANUAL_STOPPED');
  });

  it('--approve <step> is the operator saying done, recorded as a flag deviation naming the operator', async () => {
    const t = testEnv(STEPS, { preApproved: new Set(['m']), operator: 'alice@bastion' });
    expect(await runEffect(awaitManualActor(t.env, answering([], false)), input)).toEqual({ done: true });
    expect(t.records().find((r) => r.type === 'deviation')?.payload).toEqual({
      step: 'm',
      kind: 'flag-approval',
      detail: 'manual step confirmed done without a prompt by --approve m (operator alice@bastion)',
    });
  });

  it('--approve of another step does not', async () => {
    const t = testEnv(STEPS, { preApproved: new Set(['other']) });
    expect(await runEffect(awaitManualActor(t.env, answering([], false)), input)).toEqual({
      done: false,
      stopped: true,
    });
  });
});

describe('awaitManualActor: drills and replay', () => {
  it('a drill handler acts instead of a person: its answer, journaled as a drill-operator deviation', async () => {
    const t = testEnv(STEPS, {
      manual: async () => ({ done: false, by: 'drill', detail: 'the lab did not power on' }),
    });
    const p = answering(['done']);
    expect(await runEffect(awaitManualActor(t.env, p), input)).toEqual({ done: false });
    expect(p.asked).toBe(0);
    expect(t.records().find((r) => r.type === 'deviation')?.payload).toEqual({
      step: 'm',
      kind: 'drill-operator',
      detail: 'drill: the lab did not power on',
    });
  });

  it.each([
    ['done', true],
    ['not done', false],
  ])('replay: a recorded "%s" is reused without asking', async (outcome, done) => {
    const rec = { payload: { step: 'm', outcome } } as unknown as LogRecord<'step-end'>;
    const t = testEnv(STEPS, { replay: replayStub({ manual: () => rec }) });
    const p = answering([]);
    expect(await runEffect(awaitManualActor(t.env, p), input)).toEqual({ done });
    expect(p.asked).toBe(0);
    expect(t.events).toEqual([]);
  });
});
