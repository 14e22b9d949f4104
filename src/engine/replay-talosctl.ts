import type { AnyRecord, LogRecord } from '../audit/log-format.js';
import { makeError } from '../io/errors.js';
import type { CommandResult, Talosctl } from '../talos/talosctl.js';

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
    return {
      argv: ['--nodes', node, ...args],
      binary: 'replay',
      node,
      pid: undefined,
      exitCode: p.exitCode,
      signal: null,
      stdout: p.stdout,
      stderr: p.stderr,
      durationMs: 0,
      timedOut: p.timedOut,
      canceled: false,
      ...(p.notAsked === undefined ? {} : { notAsked: p.notAsked }),
    };
  };
  const answerOrEmpty = (): CommandResult => ({
    argv: [],
    binary: 'replay',
    node: '',
    pid: undefined,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: 0,
    timedOut: false,
    canceled: false,
  });
  return {
    binary: 'replay',
    run: async (node, args) => answer(node, args),
    runEach: async (nodes, args) => nodes.map((n) => answer(n, args)),
    clientVersion: async () => {
      const result: CommandResult = { ...answerOrEmpty(), argv: ['version', '--client', '--short'] };
      return { result, version: { ok: false, error: { code: 'not-text', message: 'replayed log', raw: '' } } };
    },
  };
}
