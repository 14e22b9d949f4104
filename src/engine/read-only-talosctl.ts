import { makeError } from '../io/errors.js';
import { effectOf } from '../talos/effects.js';
import type { Talosctl } from '../talos/talosctl.js';

/**
 * The adapter of plan and dry-run: it forwards read subcommands and refuses every other argv
 * with a typed error before anything is spawned. A dry run is built with this wrapper and no
 * other runner, so it cannot change a cluster by construction.
 */
export function readOnlyTalosctl(inner: Talosctl): Talosctl {
  const guard = (args: readonly string[]): void => {
    const e = effectOf(args);
    if (e.effect !== 'read') {
      throw makeError('TDR_DRY_RUN_REFUSED', { argv: args.join(' '), effect: e.effect });
    }
  };
  return {
    binary: inner.binary,
    run(node, args, opts) {
      try {
        guard(args);
      } catch (e) {
        return Promise.reject(e);
      }
      return inner.run(node, args, opts);
    },
    runEach(nodes, args, opts) {
      try {
        guard(args);
      } catch (e) {
        return Promise.reject(e);
      }
      return inner.runEach(nodes, args, opts);
    },
    clientVersion: (opts) => inner.clientVersion(opts),
  };
}
