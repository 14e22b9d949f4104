import type { AnyRecord, LogRecord, PayloadByType } from './log-format.js';

/**
 * The one record model: which record of a log answers which. A command-intent and its
 * command-result, an approval and the gate (approval-request) it answers, a check and the raw
 * reads its evidence refs name. The run's replay, the cluster reader, `log replay` and the
 * auditor's report all read a log through these pairings instead of each pairing records itself.
 */

/** The evidence ref of the command-result written as record `seq` (what a check's evidence names). */
export function refFor(seq: number): string {
  return `cmd-${seq}`;
}

/** One talosctl call as the log tells it: an intent and its result, an intent alone, or a result alone. */
export interface CommandPair {
  intent: LogRecord<'command-intent'> | undefined;
  result: LogRecord<'command-result'> | undefined;
  /**
   * a result with no intent, written under the step and node of an intent still waiting for its
   * own result (a read made while the change was in flight): never that intent's result
   */
  beside?: true;
}

const callKey = (p: { step: string; node: string | null }): string => `${p.step}\u0000${p.node ?? ''}`;

/**
 * Pairs each intent with its result: the next result of the same step, node and argv while the
 * intent is the open one of its step and node (a later intent of the same step and node — a
 * resume's retry after an unknown outcome — takes over; the earlier one stays without a result).
 * A result no intent waits for is a read's. Pairs come in the order of their first record.
 */
export function pairCommands(records: readonly AnyRecord[]): CommandPair[] {
  const pairs: CommandPair[] = [];
  const open = new Map<string, CommandPair>();
  for (const r of records) {
    if (r.type === 'command-intent') {
      const pair: CommandPair = { intent: r, result: undefined };
      open.set(callKey(r.payload), pair);
      pairs.push(pair);
    } else if (r.type === 'command-result') {
      const key = callKey(r.payload);
      const waiting = open.get(key);
      if (waiting === undefined) pairs.push({ intent: undefined, result: r });
      else if (waiting.intent?.payload.argv.join('\u0000') === r.payload.argv.join('\u0000')) {
        waiting.result = r;
        open.delete(key);
      } else pairs.push({ intent: undefined, result: r, beside: true });
    }
  }
  return pairs;
}

/** Whether a paired result says what the change did: one cut short (timeout, Ctrl-C) may or may not have run. */
export function settles(result: LogRecord<'command-result'> | undefined): boolean {
  return result !== undefined && result.payload.interrupted !== true;
}

/**
 * The gate each approval answers: the latest request of the same step not yet answered, or
 * undefined (an approval with no request recorded). By the approval's seq.
 */
export function pairApprovals(records: readonly AnyRecord[]): Map<number, LogRecord<'approval-request'> | undefined> {
  const requests: Array<{ request: LogRecord<'approval-request'>; answered: boolean }> = [];
  const out = new Map<number, LogRecord<'approval-request'> | undefined>();
  for (const r of records) {
    if (r.type === 'approval-request') requests.push({ request: r, answered: false });
    if (r.type !== 'approval') continue;
    const req = [...requests].reverse().find((q) => q.request.payload.step === r.payload.step && !q.answered);
    if (req) req.answered = true;
    out.set(r.seq, req?.request);
  }
  return out;
}

/** The raw reads a check's evidence can name, by ref, as far as record `upTo` (exclusive; default all). */
export function resultsByRef(
  records: readonly AnyRecord[],
  upTo = records.length,
): Map<string, PayloadByType['command-result']> {
  const out = new Map<string, PayloadByType['command-result']>();
  for (const r of records.slice(0, upTo))
    if (r.type === 'command-result' && r.payload.ref !== undefined) out.set(r.payload.ref, r.payload);
  return out;
}
