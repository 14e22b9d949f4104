import type { LogRecord } from '../../audit/log-format.js';
import type { ClusterReader } from '../../checks/reader.js';
import { type CommandResult, recordedResult } from '../../talos/talosctl.js';
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
  return recordedResult(r.payload);
}

export { secs } from '../../io/run-messages.js';
