import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkSignals } from '../../src/engine/signals.js';

describe('linkSignals', () => {
  it('aborts with either source, with its reason', () => {
    const a = new AbortController();
    const b = new AbortController();
    const l = linkSignals(a.signal, b.signal);
    expect(l.signal.aborted).toBe(false);
    b.abort(new Error('ctrl-c'));
    expect(l.signal.aborted).toBe(true);
    expect((l.signal.reason as Error).message).toBe('ctrl-c');
  });

  it('is aborted at once when a source already is', () => {
    const l = linkSignals(AbortSignal.abort('gone'), new AbortController().signal);
    expect(l.signal.aborted).toBe(true);
  });

  it('leaves no listener on the long-lived run signal after dispose (1,000 effects)', () => {
    const run = new AbortController();
    for (let i = 0; i < 1000; i++) {
      const state = new AbortController();
      linkSignals(state.signal, run.signal).dispose();
    }
    expect(getEventListeners(run.signal, 'abort')).toHaveLength(0);
  });
});
