import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { makeError } from '../io/errors.js';
import { classify } from '../talos/commands.js';
import type { Talosctl } from '../talos/talosctl.js';
import { THROWAWAY_PREFIX } from './cluster-reader.js';

/**
 * The adapter of plan and dry-run: it forwards what the command registry classes `read` and
 * refuses every other argv (a local file write included) with a typed error before anything is
 * spawned. A dry run is built with this wrapper and no other runner, so it cannot change a
 * cluster, nor a local file, by construction.
 */
export function readOnlyTalosctl(inner: Talosctl): Talosctl {
  const guard = (args: readonly string[]): void => {
    const c = classify(args);
    const effect = c.ok ? c.value.effect : 'refused';
    if (effect === 'read') return;
    // the one local write a dry run makes: a throwaway revision snapshot in the engine's own
    // fresh temp directory (cluster-reader.ts), never a file of the user's
    const file = c.ok && c.value.localFile !== undefined ? args[c.value.localFile] : undefined;
    if (file !== undefined && isThrowaway(file)) return;
    throw makeError('TDR_DRY_RUN_REFUSED', { argv: args.join(' '), effect });
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

function isThrowaway(file: string): boolean {
  const dir = dirname(file);
  return (
    dirname(dir) === tmpdir() &&
    basename(dir).startsWith(THROWAWAY_PREFIX) &&
    basename(file) === 'revision.snapshot' &&
    !existsSync(file) &&
    join(dir, 'revision.snapshot') === file
  );
}
