import { type CommandResult, commandResult, recordedResult, type Talosctl } from '../talos/talosctl.js';

/**
 * What triage read, kept as talosctl printed it (`triage --save <file>`), and a talosctl that
 * answers from such a file (`triage --replay <file>`): the decision runs again through the same
 * parsers, with today's table, without a cluster. The unit tests' recorded cluster states
 * (fixtures/triage/) are such files.
 */

export const RECORDING_FORMAT = 'talos-dr-triage-reads/1';

export interface RecordedCall {
  node: string;
  /** the argv after the node flags, e.g. ["etcd", "status"] */
  args: string[];
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface RecordedPoll {
  /** ISO time of the poll's midpoint */
  at: string;
  calls: RecordedCall[];
}

export interface Recording {
  format: typeof RECORDING_FORMAT;
  /** where the reads come from: recorded from what, or DERIVED from which file and how */
  source: string;
  nodes: string[];
  polls: RecordedPoll[];
}

/** Wraps a talosctl so every call of a poll is kept for the recording. */
export function recordingTalosctl(base: Talosctl, into: RecordedCall[]): Talosctl {
  const keep = (node: string, args: readonly string[], r: CommandResult): CommandResult => {
    into.push({
      node,
      args: [...args],
      exitCode: r.exitCode,
      stdout: r.stdout,
      stderr: r.stderr,
      timedOut: r.timedOut,
      durationMs: r.durationMs,
    });
    return r;
  };
  return {
    binary: base.binary,
    run: async (node, args, opts) => keep(node, args, await base.run(node, args, opts)),
    runEach: async (nodes, args, opts) => {
      const rs = await base.runEach(nodes, args, opts);
      return rs.map((r, i) => keep(nodes[i] ?? r.node, args, r));
    },
    clientVersion: (opts) => base.clientVersion(opts),
  };
}

/** A talosctl answering one recorded poll; a call the poll did not record fails as not recorded. */
export function replayPoll(poll: RecordedPoll): Talosctl {
  const answer = (node: string, args: readonly string[]): CommandResult => {
    const c = poll.calls.find((x) => x.node === node && x.args.join('\u0000') === args.join('\u0000'));
    const argv = ['--nodes', node, ...args];
    if (c === undefined)
      return commandResult({
        argv,
        binary: 'replay',
        node,
        spawnError: { code: 'NOT_RECORDED', message: `the recording has no ${args.join(' ')} of ${node}` },
      });
    return recordedResult({ ...c, argv, node }, 'replay');
  };
  return {
    binary: 'replay',
    run: (node, args) => Promise.resolve(answer(node, args)),
    runEach: (nodes, args) => Promise.resolve(nodes.map((n) => answer(n, args))),
    clientVersion: () => Promise.reject(new Error('a replayed triage asks no client version')),
  };
}

/** Reads a recording, or says what is wrong with it. */
export function parseRecording(text: string): { ok: true; recording: Recording } | { ok: false; reason: string } {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  const r = j as Partial<Recording>;
  if (typeof j !== 'object' || j === null || r.format !== RECORDING_FORMAT)
    return { ok: false, reason: `not a triage recording (format must be "${RECORDING_FORMAT}")` };
  if (!Array.isArray(r.nodes) || r.nodes.length === 0 || !r.nodes.every((n) => typeof n === 'string'))
    return { ok: false, reason: '"nodes" must be a non-empty list of node addresses' };
  if (!Array.isArray(r.polls) || r.polls.length !== 2)
    return { ok: false, reason: '"polls" must hold the two polls of one triage' };
  for (const [i, p] of r.polls.entries()) {
    if (typeof p?.at !== 'string' || Number.isNaN(Date.parse(p.at)) || !Array.isArray(p.calls))
      return { ok: false, reason: `polls[${i}] needs "at" (an ISO time) and "calls"` };
    for (const [k, c] of p.calls.entries())
      if (
        typeof c?.node !== 'string' ||
        !Array.isArray(c.args) ||
        typeof c.stdout !== 'string' ||
        typeof c.stderr !== 'string'
      )
        return { ok: false, reason: `polls[${i}].calls[${k}] needs node, args, stdout and stderr` };
  }
  return { ok: true, recording: r as Recording };
}
