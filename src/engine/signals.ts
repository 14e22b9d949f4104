import { setMaxListeners } from 'node:events';

/**
 * One signal that aborts when either source does, with its listeners removed by `dispose()`.
 * Node 20's AbortSignal.any keeps a listener on each source until garbage collection, which on a
 * long run piles up on the run's signal (MaxListenersExceededWarning).
 */
export function linkSignals(a: AbortSignal, b: AbortSignal): { signal: AbortSignal; dispose(): void } {
  const c = new AbortController();
  // one effect may fan out reads over every node in parallel, each listening to this signal
  setMaxListeners(64, c.signal);
  const fromA = (): void => c.abort(a.reason);
  const fromB = (): void => c.abort(b.reason);
  if (a.aborted) c.abort(a.reason);
  else a.addEventListener('abort', fromA, { once: true });
  if (b.aborted) c.abort(b.reason);
  else b.addEventListener('abort', fromB, { once: true });
  return {
    signal: c.signal,
    dispose() {
      a.removeEventListener('abort', fromA);
      b.removeEventListener('abort', fromB);
    },
  };
}
