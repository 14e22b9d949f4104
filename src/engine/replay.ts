import type { AnyRecord, LogRecord } from '../audit/log-format.js';
import { pairCommands, settles } from '../audit/pairs.js';

/**
 * Event sourcing over the journal: the recorded outputs of a previous attempt, queued per step,
 * handed back to the same invocations when the machine is replayed from the start. The first
 * invocation with nothing recorded is the frontier: from there on everything runs live
 * (`live` becomes true and stays true), so nothing recorded is ever replayed out of order.
 */

export interface CommandGroup {
  intent: LogRecord<'command-intent'> | undefined;
  result: LogRecord<'command-result'> | undefined;
  /**
   * An intent without a result that a later resume already went on past: the log holds what
   * that resume's re-observation, re-approval and recheck did, so they are replayed, not run
   * again live (only the last unknown outcome of a log is the frontier).
   */
  settledLater?: boolean;
}

export interface Replay {
  readonly live: boolean;
  /** the recorded call of a talosctl step on one node; undefined → go live */
  command(step: string, node: string): CommandGroup | undefined;
  check(step: string): LogRecord<'check'> | undefined;
  observation(step: string): LogRecord<'observation'> | undefined;
  approval(step: string): LogRecord<'approval'> | undefined;
  manual(step: string): LogRecord<'step-end'> | undefined;
  /** whether a recorded call of this talosctl step is still queued (without consuming it) */
  hasCommand(step: string): boolean;
  /**
   * A poll of `step` with no poll left in the log while later records are still to replay: the
   * recorded run left that poll loop by its timeout here. Virtual time cannot tell (replayed reads
   * take no time, so more polls fit before the timer), so the log does.
   */
  pollsExhausted(step: string): boolean;
  /** switch to live (an invocation found nothing recorded) */
  goLive(): void;
  /** how many invocations were replayed */
  readonly replayed: number;
}

function queue<T>(map: Map<string, T[]>, key: string, item: T): void {
  const q = map.get(key);
  if (q === undefined) map.set(key, [item]);
  else q.push(item);
}

/**
 * Builds the replay. `talosctlSteps` are the ids of talosctl steps (their command records are
 * outputs; other steps' command records are reads behind checks). An approval is replayed only
 * when a command of a step it guards was started after it: an approval never used is asked again.
 */
/** Whether an output a replay hands back was recorded after record i (then i is not the frontier). */
function settledAfter(records: readonly AnyRecord[], i: number): boolean {
  return records
    .slice(i + 1)
    .some(
      (x) =>
        x.type === 'command-intent' ||
        x.type === 'check' ||
        x.type === 'observation' ||
        (x.type === 'approval' && x.payload.approved),
    );
}

export function createReplay(
  records: readonly AnyRecord[],
  talosctlSteps: ReadonlySet<string>,
  guardsOf: (confirmId: string) => readonly string[],
  manualSteps: ReadonlySet<string>,
): Replay {
  const commands = new Map<string, CommandGroup[]>();
  // intents and results paired by the one record model (audit/pairs.ts); a talosctl step's
  // result with no intent is a read step's output; a change cut short (step timeout, Ctrl-C) may
  // have happened: its outcome is unknown, like an intent whose result a crash never wrote
  const index = new Map(records.map((r, i) => [r.seq, i]));
  for (const pair of pairCommands(records)) {
    const first = pair.intent ?? pair.result;
    if (first === undefined || pair.beside === true) continue;
    const key = `${first.payload.step}\u0000${first.payload.node ?? ''}`;
    if (pair.intent !== undefined) {
      const settledLater = settledAfter(records, index.get(pair.intent.seq) ?? records.length);
      queue(commands, key, {
        intent: pair.intent,
        result: settles(pair.result) ? pair.result : undefined,
        settledLater,
      });
    } else if (talosctlSteps.has(first.payload.step)) queue(commands, key, { intent: undefined, result: pair.result });
  }
  const checks = new Map<string, LogRecord<'check'>[]>();
  const observations = new Map<string, LogRecord<'observation'>[]>();
  const approvals = new Map<string, LogRecord<'approval'>[]>();
  const manual = new Map<string, LogRecord<'step-end'>[]>();
  records.forEach((r, i) => {
    switch (r.type) {
      case 'check':
        queue(checks, r.payload.step, r);
        break;
      case 'observation':
        queue(observations, r.payload.step, r);
        break;
      case 'approval': {
        if (!r.payload.approved) break;
        const guards = guardsOf(r.payload.step);
        const used = records
          .slice(i + 1)
          .some(
            (x) =>
              x.type === 'command-intent' &&
              (guards.length === 0 ? talosctlSteps.has(x.payload.step) : guards.includes(x.payload.step)),
          );
        if (used) queue(approvals, r.payload.step, r);
        break;
      }
      case 'step-end':
        if (manualSteps.has(r.payload.step)) queue(manual, r.payload.step, r);
        break;
      default:
        break;
    }
  });
  let live = false;
  let replayed = 0;
  const take = <T>(map: Map<string, T[]>, key: string): T | undefined => {
    if (live) return undefined;
    const item = map.get(key)?.shift();
    if (item === undefined) live = true;
    else replayed++;
    return item;
  };
  return {
    get live() {
      return live;
    },
    get replayed() {
      return replayed;
    },
    command: (step, node) => take(commands, `${step}\u0000${node}`),
    check: (step) => take(checks, step),
    observation: (step) => take(observations, step),
    approval: (step) => take(approvals, step),
    manual: (step) => take(manual, step),
    pollsExhausted: (step) =>
      !live &&
      (checks.get(step)?.length ?? 0) === 0 &&
      [commands, checks, observations, approvals, manual].some((m) => [...m.values()].some((q) => q.length > 0)),
    hasCommand: (step) =>
      !live && [...commands.entries()].some(([key, q]) => key.startsWith(`${step}\u0000`) && q.length > 0),
    goLive() {
      live = true;
    },
  };
}
