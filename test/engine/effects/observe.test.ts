import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/audit/log-format.js';
import { observeActor } from '../../../src/engine/effects/observe.js';
import { replayStub, runEffect, testEnv } from '../../helpers/engine-env.js';
import { F_IDS, F_NODES } from '../../helpers/fake-talosctl.js';

/**
 * observe: a read step's outputs become captures, so they are journaled as an `observation`
 * record (with the evidence it was derived from) and replayed from it; an observation that
 * cannot derive its outputs fails the step with the reason — recorded, never outputs.
 */
const STEPS = '  - id: ok\n    end: { outcome: success, message: ok }';
const input = { stepId: 'l', observation: 'leader', args: { nodes: [...F_NODES] }, capture: 'l' };

describe('observeActor', () => {
  it('derives the outputs from live reads and journals them with their evidence, under the step', async () => {
    const t = testEnv(STEPS);
    expect(await runEffect(observeActor(t.env), input)).toEqual({ outputs: { node: F_NODES[0], member: F_IDS[0] } });
    const rec = t.records().find((r) => r.type === 'observation');
    expect(rec?.payload).toMatchObject({
      step: 'l',
      name: 'leader',
      args: { nodes: [...F_NODES] },
      ok: true,
      outputs: { node: F_NODES[0], member: F_IDS[0] },
      summary: `leader ${F_IDS[0]} on ${F_NODES[0]}`,
    });
    const refs = new Set(t.records().flatMap((r) => (r.type === 'command-result' ? [r.payload.ref] : [])));
    const evidence = (rec?.payload as { evidence?: string[] }).evidence ?? [];
    expect(evidence.length).toBeGreaterThan(0);
    for (const e of evidence) expect(refs.has(e)).toBe(true);
  });

  it('cannot derive (no member knows a leader): rejects with the reason, recorded as not ok with no outputs', async () => {
    const t = testEnv(STEPS);
    t.talosctl.state.leader = '0000000000000000';
    await expect(runEffect(observeActor(t.env), input)).rejects.toThrow(/know no leader$/);
    expect(t.records().find((r) => r.type === 'observation')?.payload).toMatchObject({ ok: false, outputs: {} });
  });

  it('replay: recorded outputs are handed back without reading; a recorded failure fails again with its words', async () => {
    const ok = {
      payload: { step: 'l', ok: true, outputs: { node: '10.9.9.9' }, summary: 's' },
    } as unknown as LogRecord<'observation'>;
    const t = testEnv(STEPS, { replay: replayStub({ observation: () => ok }) });
    expect(await runEffect(observeActor(t.env), input)).toEqual({ outputs: { node: '10.9.9.9' } });
    expect(t.talosctl.calls).toEqual([]);
    const bad = {
      payload: { step: 'l', ok: false, outputs: {}, summary: 'recorded: no leader' },
    } as unknown as LogRecord<'observation'>;
    const t2 = testEnv(STEPS, { replay: replayStub({ observation: () => bad }) });
    await expect(runEffect(observeActor(t2.env), input)).rejects.toThrow('recorded: no leader');
    expect(t2.talosctl.calls).toEqual([]);
    expect(t2.records()).toEqual([]);
  });
});
