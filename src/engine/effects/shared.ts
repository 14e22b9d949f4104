import type { LogRecord } from '../../audit/log-format.js';
import type { ClusterReader } from '../../checks/reader.js';
import type { CommandResult } from '../../talos/talosctl.js';
import { createClusterReader } from '../cluster-reader.js';
import type { EngineEnv } from '../env.js';

/** A reader whose reads are journaled under `step`. */
export function readerFor(env: EngineEnv, step: string, signal: AbortSignal): ClusterReader {
  return createClusterReader({
    talosctl: env.talosctl,
    journal: env.journal,
    events: env.events,
    step: () => step,
    signal,
    timeoutMs: env.readTimeoutMs,
  });
}

/** A CommandResult rebuilt from its journal record (replay). */
export function resultFromRecord(r: LogRecord<'command-result'>): CommandResult {
  const p = r.payload;
  return {
    argv: p.argv,
    binary: 'talosctl',
    node: p.node ?? '',
    pid: undefined,
    exitCode: p.exitCode,
    signal: null,
    stdout: p.stdout,
    stderr: p.stderr,
    durationMs: p.durationMs,
    timedOut: p.timedOut,
    canceled: false,
    ...(p.notAsked === undefined ? {} : { notAsked: p.notAsked }),
  };
}

export { secs } from '../../io/run-messages.js';
