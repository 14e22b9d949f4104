import { describe, expect, it } from 'vitest';
import { actAtStep } from '../../src/drill/act-at-step.js';
import type { RunEvent } from '../../src/engine/events.js';

// The drill's act during a run: at the named step only, once, and never thrown into the engine.
describe('actAtStep', () => {
  it('acts when the named step starts, not at the steps before it', async () => {
    const seen: string[] = [];
    const a = actAtStep('catch-up', async () => {
      seen.push('acted');
      return 'repaired';
    });
    a.onStepStart('find-lagging');
    a.onStepStart('confirm');
    await Promise.resolve();
    expect(seen).toEqual([]);
    a.onStepStart('catch-up');
    expect(await a.settled()).toBe('repaired');
    expect(seen).toEqual(['acted']);
  });

  it('hears step starts as the run tells them (TDR_I_STEP_START), and nothing else', async () => {
    const a = actAtStep('catch-up', async () => 'repaired');
    const other = { code: 'TDR_I_DRY_RUN', data: {} } as RunEvent;
    const start = (step: string) =>
      ({
        code: 'TDR_I_STEP_START',
        data: { record: { type: 'step-start', payload: { step, kind: 'wait' } }, depth: 0, replayed: false },
      }) as unknown as RunEvent;
    a.onEvent(other);
    a.onEvent(start('confirm'));
    expect(await a.settled()).toBeUndefined();
    a.onEvent(start('catch-up'));
    expect(await a.settled()).toBe('repaired');
  });

  it('acts once: the step entered again (a poll loop, a retry) is not a second act', async () => {
    let n = 0;
    const a = actAtStep('catch-up', async () => `act ${++n}`);
    a.onStepStart('catch-up');
    a.onStepStart('catch-up');
    a.onStepStart('catch-up');
    expect(await a.settled()).toBe('act 1');
    expect(n).toBe(1);
  });

  it('says nothing was done when the step never started', async () => {
    const a = actAtStep('catch-up', async () => 'repaired');
    a.onStepStart('other');
    expect(await a.settled()).toBeUndefined();
  });

  it('a failed act is reported, not thrown into the session (sync or async failure)', async () => {
    const sync = actAtStep('s', () => {
      throw new Error('heal refused');
    });
    expect(() => sync.onStepStart('s')).not.toThrow();
    expect(await sync.settled()).toBe('failed: heal refused');
    const later = actAtStep('s', async () => Promise.reject(new Error('nft missing')));
    later.onStepStart('s');
    expect(await later.settled()).toBe('failed: nft missing');
  });
});
