import { setMaxListeners } from 'node:events';
import { type ClusterReads, gatherReads, type ReadKind, readsOf } from '../checks/reader.js';
import { createClusterReader } from '../engine/cluster-reader.js';
import { Journal } from '../engine/journal.js';
import type { Talosctl } from '../talos/talosctl.js';
import type { Poll } from './model.js';
import { type RecordedCall, type Recording, recordingTalosctl, replayPoll } from './recording.js';

/**
 * The shell of triage: two polls of every node through the same reader a run uses (one
 * `talosctl -n <node>` call per read, in parallel, each with a hard timeout), one window apart
 * from start to start. Both read `etcd status` (what moves: leader, term, raft index, DB size);
 * poll 1 adds the member and alarm lists, poll 2 `service etcd` (which says why a status read of
 * the same moment failed) and the clocks. Split so, neither poll spawns more than three calls a
 * node: each call is a process, and a busy host slows them all alike.
 */

export const POLL_READS: readonly [readonly ReadKind[], readonly ReadKind[]] = [
  ['members', 'status', 'alarms'],
  ['status', 'service', 'time'],
];

export interface GatherOptions {
  nodes: readonly string[];
  windowMs: number;
  readTimeoutMs: number;
  signal: AbortSignal;
  /** injected for tests; default the wall clock */
  now?: () => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export interface Gathered {
  first: Poll;
  second: Poll;
  /** every call as talosctl answered it, per poll (for --save) */
  calls: [RecordedCall[], RecordedCall[]];
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The reads of one poll: the run's reader over the adapter, its journal kept in memory only. */
export async function readPoll(
  talosctl: Talosctl,
  kinds: readonly ReadKind[],
  o: Pick<GatherOptions, 'nodes' | 'readTimeoutMs' | 'signal'>,
  step: string,
): Promise<ClusterReads> {
  const journal = Journal.create('', { sink: { append() {}, sync() {}, close() {} } });
  const reader = createClusterReader({
    talosctl,
    journal,
    step: () => step,
    signal: o.signal,
    timeoutMs: o.readTimeoutMs,
  });
  return gatherReads(reader, readsOf(kinds, o.nodes));
}

export async function gatherPolls(talosctl: Talosctl, given: GatherOptions): Promise<Gathered> {
  // one abort listener per call in flight: more than Node's default ten is expected here
  const local = new AbortController();
  setMaxListeners(64, local.signal);
  if (given.signal.aborted) local.abort();
  else given.signal.addEventListener('abort', () => local.abort(), { once: true });
  const o = { ...given, signal: local.signal };
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? sleepFor;
  const calls: [RecordedCall[], RecordedCall[]] = [[], []];
  const t0 = now();
  const first = await readPoll(recordingTalosctl(talosctl, calls[0]), POLL_READS[0], o, 'triage poll 1');
  const t1 = now();
  await sleep(t0 + o.windowMs - t1, o.signal);
  const t2 = now();
  const second = await readPoll(recordingTalosctl(talosctl, calls[1]), POLL_READS[1], o, 'triage poll 2');
  const t3 = now();
  return { first: { reads: first, at: (t0 + t1) / 2 }, second: { reads: second, at: (t2 + t3) / 2 }, calls };
}

/** The two polls of a recording, read again through the same reader and parsers. */
export async function replayPolls(r: Recording, signal: AbortSignal): Promise<{ first: Poll; second: Poll }> {
  const [p1, p2] = r.polls;
  if (p1 === undefined || p2 === undefined) throw new Error('a recording holds two polls');
  const o = { nodes: r.nodes, readTimeoutMs: 60_000, signal };
  return {
    first: { reads: await readPoll(replayPoll(p1), POLL_READS[0], o, 'replay poll 1'), at: Date.parse(p1.at) },
    second: { reads: await readPoll(replayPoll(p2), POLL_READS[1], o, 'replay poll 2'), at: Date.parse(p2.at) },
  };
}

/** The recording of a gathered triage. */
export function toRecording(g: Gathered, nodes: readonly string[], source: string): Recording {
  return {
    format: 'talos-dr-triage-reads/1',
    source,
    nodes: [...nodes],
    polls: [
      { at: new Date(g.first.at).toISOString(), calls: g.calls[0] },
      { at: new Date(g.second.at).toISOString(), calls: g.calls[1] },
    ],
  };
}
