import { describe, expect, it } from 'vitest';
import { replayClock } from '../../src/engine/replay-clock.js';
import { replayStub } from '../helpers/engine-env.js';

/**
 * The clock of a resumed run: while replaying, timers are virtual — the earliest fires at once,
 * in due order, however long it is; once the replay is live every timer is a real one, and
 * virtual timers still pending become real ones for the time they had left.
 */
const tick = () => new Promise((r) => setImmediate(r));
const settle = async (n = 10) => {
  for (let i = 0; i < n; i++) await tick();
};

describe('replayClock', () => {
  it('replaying: an hour-long timer fires at once, and timers fire in the order they are due, not set', async () => {
    const clock = replayClock(replayStub());
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('1h'), 3_600_000);
    clock.setTimeout(() => fired.push('5s'), 5000);
    clock.setTimeout(() => fired.push('1m'), 60_000);
    const t0 = Date.now();
    await settle();
    expect(fired).toEqual(['5s', '1m', '1h']);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('a cleared virtual timer never fires', async () => {
    const clock = replayClock(replayStub());
    const fired: string[] = [];
    const id = clock.setTimeout(() => fired.push('cleared'), 10);
    clock.setTimeout(() => fired.push('kept'), 20);
    clock.clearTimeout(id);
    await settle();
    expect(fired).toEqual(['kept']);
  });

  it('virtual time accumulates: a timer set from a fired one is due after it', async () => {
    const clock = replayClock(replayStub());
    const fired: string[] = [];
    clock.setTimeout(() => {
      fired.push('a@10');
      clock.setTimeout(() => fired.push('c@30'), 20);
    }, 10);
    clock.setTimeout(() => fired.push('b@25'), 25);
    await settle();
    expect(fired).toEqual(['a@10', 'b@25', 'c@30']);
  });

  it('live: a timer is a real one (it has not fired right away) and can be cleared', async () => {
    const replay = replayStub({ live: true });
    const clock = replayClock(replay);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('real 40ms'), 40);
    const cleared = clock.setTimeout(() => fired.push('cleared'), 10);
    clock.clearTimeout(cleared);
    await settle();
    expect(fired).toEqual([]);
    await new Promise((r) => setTimeout(r, 80));
    expect(fired).toEqual(['real 40ms']);
  });

  it('going live with virtual timers pending: they become real ones, not fired at once', async () => {
    const replay = replayStub();
    const clock = replayClock(replay);
    const fired: string[] = [];
    // set while replaying; the replay reaches the frontier before the virtual clock pumps it
    clock.setTimeout(() => fired.push('pending'), 50);
    (replay as { live: boolean }).live = true;
    await settle();
    expect(fired).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    expect(fired).toEqual(['pending']);
  });
});
