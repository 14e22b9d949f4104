import type { Replay } from './replay.js';

/**
 * The actor clock of a resumed run. While recorded outputs are replayed, the machine's timers
 * (retry backoff, poll intervals, step timeouts) run on virtual time: when nothing else is
 * pending, the earliest timer fires at once, so a replay takes milliseconds yet keeps the
 * order of timers. Once the replay reaches the frontier, every timer is a real one.
 */
export interface ActorClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

export function replayClock(replay: Replay): ActorClock {
  let now = 0;
  let nextId = 1;
  const virtual = new Map<number, { fn: () => void; due: number }>();
  const real = new Map<number, NodeJS.Timeout>();
  let pumping = false;
  const toReal = (): void => {
    for (const [id, t] of virtual) real.set(id, setTimeout(t.fn, Math.max(0, t.due - now)));
    virtual.clear();
  };
  const pump = (): void => {
    if (pumping) return;
    pumping = true;
    setImmediate(() => {
      pumping = false;
      if (replay.live) return toReal();
      let first: [number, { fn: () => void; due: number }] | undefined;
      for (const e of virtual) if (first === undefined || e[1].due < first[1].due) first = e;
      if (first === undefined) return;
      virtual.delete(first[0]);
      now = first[1].due;
      first[1].fn();
      if (virtual.size > 0) pump();
    });
  };
  return {
    setTimeout(fn, timeout) {
      const id = nextId++;
      if (replay.live) {
        toReal();
        real.set(id, setTimeout(fn, timeout));
      } else {
        virtual.set(id, { fn: fn as () => void, due: now + timeout });
        pump();
      }
      return id;
    },
    clearTimeout(id) {
      const n = id as number;
      virtual.delete(n);
      const t = real.get(n);
      if (t !== undefined) clearTimeout(t);
      real.delete(n);
    },
  };
}
