import type { AnyRecord, LogRecord } from '../audit/log-format.js';
import { makeError } from '../io/errors.js';
import { type CommandResult, commandResult, recordedResult, type Talosctl } from '../talos/talosctl.js';

/**
 * A talosctl that answers from a recorded log (`run --dry-run --replay <log>`): each call gets
 * the next recorded result of the same node and argv, the last one again when they run out.
 * A call the log never saw is refused. Nothing is spawned, ever.
 */
export function replayTalosctl(records: readonly AnyRecord[]): Talosctl {
  const byKey = new Map<string, LogRecord<'command-result'>[]>();
  for (const r of records) {
    if (r.type !== 'command-result') continue;
    const key = `${r.payload.node ?? ''}\u0000${r.payload.argv.join('\u0000')}`;
    const q = byKey.get(key) ?? [];
    q.push(r);
    byKey.set(key, q);
  }
  const used = new Map<string, number>();
  const answer = (node: string, args: readonly string[]): CommandResult => {
    const key = `${node}\u0000${args.join('\u0000')}`;
    const q = byKey.get(key);
    if (q === undefined || q.length === 0) throw makeError('TDR_REPLAY_MISSING', { argv: args.join(' '), node });
    const i = used.get(key) ?? 0;
    used.set(key, i + 1);
    const p = (q[Math.min(i, q.length - 1)] as LogRecord<'command-result'>).payload;
    // answered at once: a replayed call takes no time
    return recordedResult({ ...p, argv: ['--nodes', node, ...args], node, durationMs: 0 }, 'replay');
  };
  return {
    binary: 'replay',
    run: async (node, args) => answer(node, args),
    runEach: async (nodes, args) => nodes.map((n) => answer(n, args)),
    clientVersion: async () => {
      const result = commandResult({ argv: ['version', '--client', '--short'], binary: 'replay', node: '' });
      return { result, version: { ok: false, error: { code: 'not-text', message: 'replayed log', raw: '' } } };
    },
  };
}
