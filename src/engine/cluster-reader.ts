import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { refFor } from '../audit/pairs.js';
import { failedRead, unparsedRead } from '../checks/read-cause.js';
import type { ClusterReader, Read } from '../checks/reader.js';
import type { Json } from '../checks/verdict.js';
import { toNodeOutcome } from '../talos/outcome.js';
import {
  parseAlarms,
  parseMembers,
  parseService,
  parseSnapshot,
  parseStatus,
  parseTime,
  parseVolumeStatus,
} from '../talos/parse/index.js';
import type { ParseResult } from '../talos/parse/result.js';
import { READ_COMMANDS } from '../talos/read-commands.js';
import type { CommandResult, Talosctl } from '../talos/talosctl.js';
import { createRunEvents, note, type Recorder, type RunEvents } from './events.js';
import type { Journal } from './journal.js';

/**
 * The ClusterReader of a run: each read is one `talosctl -n <node> …` call through the adapter,
 * parsed by the talosctl parsers, and journaled as a command-result whose `ref` the checks'
 * evidence points to. Reads never throw: a failed call or an output we do not understand is a
 * failed Read saying why.
 */

export interface ReaderOptions {
  talosctl: Talosctl;
  journal: Journal;
  /** a run's event stream: each read is told as a command-result event (plan and triage keep none) */
  events?: RunEvents;
  /** the step the reads are made for (journal attribution) */
  step: () => string;
  signal: AbortSignal;
  /** each read (DEFAULTS.readTimeoutMs in a run) */
  timeoutMs: number;
  /** the throwaway snapshot behind `revision` copies the whole db: default 30 s */
  revisionTimeoutMs?: number;
}

/** Journals one finished talosctl call (and tells it); returns the ref the evidence links to. */
export function journalResult(
  to: Recorder,
  step: string,
  args: readonly string[],
  r: CommandResult,
  parsed?: { value?: Json; error?: string },
): string {
  const ref = refFor(to.journal.lastSeq + 1);
  note(
    to,
    'command-result',
    {
      step,
      argv: [...args],
      node: r.node === '' ? null : r.node,
      exitCode: r.exitCode,
      durationMs: r.durationMs,
      stdout: r.stdout,
      stderr: r.stderr,
      timedOut: r.timedOut,
      ...(r.notAsked === undefined ? {} : { notAsked: r.notAsked }),
      ...((r.canceled || r.timedOut) && r.notAsked === undefined ? { interrupted: true } : {}),
      ref,
      ...(parsed?.value === undefined ? {} : { parsed: parsed.value }),
      ...(parsed?.error === undefined ? {} : { parseError: parsed.error }),
    },
    (record) => ({ code: 'TDR_I_COMMAND_RESULT', data: { record } }),
  );
  return ref;
}

/**
 * The directory prefix of a throwaway revision snapshot: a local write the dry-run adapter lets
 * through, because it lands in a fresh directory of the engine's own, never a user's file.
 */
export const THROWAWAY_PREFIX = 'talos-dr-rev-';

export function createClusterReader(o: ReaderOptions): ClusterReader {
  const recorder: Recorder = { journal: o.journal, events: o.events ?? createRunEvents() };
  async function read<T>(
    node: string,
    args: readonly string[],
    parse: (stdout: string) => ParseResult<T>,
    timeoutMs = o.timeoutMs,
  ): Promise<Read<T>> {
    const r = await o.talosctl.run(node, args, { timeoutMs, signal: o.signal });
    const outcome = toNodeOutcome(r);
    const p = outcome.ok ? parse(r.stdout) : undefined;
    const raw = journalResult(recorder, o.step(), args, r, p?.ok === false ? { error: p.error.message } : undefined);
    if (!outcome.ok) return { ...failedRead(outcome), raw };
    if (p === undefined || !p.ok) return { ...unparsedRead(p?.error.message ?? '?'), raw };
    return { ok: true, value: p.value, raw };
  }
  /**
   * A live member's revision: talosctl prints none, so a throwaway `etcd snapshot` is taken from
   * that member into a temp dir, its `snapshot info: … revision N` line read, and the file
   * deleted. Costs one snapshot of the member's db (documented in docs/executor.md).
   */
  async function revision(node: string): Promise<Read<number>> {
    const dir = mkdtempSync(join(tmpdir(), THROWAWAY_PREFIX));
    try {
      const args = ['etcd', 'snapshot', join(dir, 'revision.snapshot')];
      const r = await read(node, args, (stdout) => parseSnapshot(stdout, 0), o.revisionTimeoutMs ?? 30_000);
      if (!r.ok) return r;
      if (!r.value.infoPrinted)
        return { ok: false, reason: 'the snapshot printed no revision', unreachable: false, raw: r.raw };
      return { ok: true, value: r.value.revision, raw: r.raw };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    revision,
    members: (node) => read(node, READ_COMMANDS.members, parseMembers),
    status: (node) => read(node, READ_COMMANDS.status, parseStatus),
    alarms: (node) => read(node, READ_COMMANDS.alarms, parseAlarms),
    service: (node) => read(node, READ_COMMANDS.service, parseService),
    time: (node) => read(node, READ_COMMANDS.time, parseTime),
    volume: (node) => read(node, READ_COMMANDS.volume, parseVolumeStatus),
  };
}
