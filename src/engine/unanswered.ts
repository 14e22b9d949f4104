import { allSteps, type Runbook } from '../runbook/model.js';
import { classify } from '../talos/commands.js';
import { type CommandResult, commandResult, type RunOptions, type Talosctl } from '../talos/talosctl.js';

/**
 * The nodes that did not answer in this run. Every run keeps the list (the end line names them);
 * only a read-only run also *remembers* them: a later read of a node whose call timed out fails at
 * once, as "did not answer (timed out earlier in this run)", instead of waiting out its timeout
 * again — so a health check with black-holed nodes gives its verdict in one read timeout, not one
 * per read. A run that can change the cluster never skips a read: before a gated or disruptive
 * decision every node is asked again, live. Only a timeout marks a node: a slow answer within the
 * timeout, an error, or a refusal does not.
 */

export interface Unanswered {
  /** whether later reads of a node that timed out are skipped (read-only runs only) */
  readonly remember: boolean;
  /** the adapter with this memory in front of it */
  wrap(inner: Talosctl): Talosctl;
  /** the nodes whose last call timed out, sorted (parallel calls time out in any order) */
  nodes(): string[];
  /** what timed out on a node: `talosctl etcd members after 10.0s` */
  why(node: string): string | undefined;
}

/** A runbook whose steps only read: no change, no snapshot file, no gate, no manual step. */
export function isReadOnlyRunbook(runbook: Runbook): boolean {
  return allSteps(runbook.steps).every((s) => {
    switch (s.kind) {
      case 'talosctl':
        return s.effect === 'read' && !s.gate;
      case 'confirm':
      case 'manual':
        return false;
      default:
        return true;
    }
  });
}

/** The text a skipped read carries (journaled in its command-result as `notAsked`). */
export const NOT_ASKED = 'timed out earlier in this run';

export function createUnanswered(o: { remember: boolean }): Unanswered {
  const timedOut = new Map<string, string>();
  const note = (r: CommandResult, args: readonly string[]): void => {
    if (r.node === '' || r.notAsked !== undefined) return;
    if (r.timedOut && !r.canceled) {
      if (!timedOut.has(r.node))
        timedOut.set(r.node, `talosctl ${args.join(' ')} after ${(r.durationMs / 1000).toFixed(1)}s`);
    } else if (!r.canceled && r.spawnError === undefined) {
      timedOut.delete(r.node); // it answered since (a run that asks again: not read-only)
    }
  };
  // belt and braces: only an argv the registry classes `read` is ever skipped
  const skippable = (node: string, args: readonly string[]): boolean => {
    if (!o.remember || !timedOut.has(node)) return false;
    const c = classify(args);
    return c.ok && c.value.effect === 'read';
  };
  const skipped = (inner: Talosctl, node: string, args: readonly string[]): CommandResult =>
    commandResult({
      argv: ['--nodes', node, ...args],
      binary: inner.binary,
      node,
      stderr: `talos-dr: not asked: ${node} did not answer (${NOT_ASKED}: ${timedOut.get(node) ?? '?'})\n`,
      timedOut: true,
      notAsked: NOT_ASKED,
    });
  return {
    remember: o.remember,
    nodes: () => [...timedOut.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })),
    why: (node) => timedOut.get(node),
    wrap(inner) {
      const run = async (node: string, args: readonly string[], opts?: RunOptions): Promise<CommandResult> => {
        if (skippable(node, args)) return skipped(inner, node, args);
        const r = await inner.run(node, args, opts);
        note(r, args);
        return r;
      };
      return {
        binary: inner.binary,
        run,
        runEach: (nodes, args, opts) => Promise.all(nodes.map((n) => run(n, args, opts))),
        clientVersion: (opts) => inner.clientVersion(opts),
      };
    },
  };
}
