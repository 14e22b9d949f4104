import type { LogRecord, PayloadByType, RecordType } from '../audit/log-format.js';
import type { EvaluateCheckInput } from '../compile/contract.js';
import type { Journal } from './journal.js';

/**
 * The run as one stream of typed, coded events (after aws-cdk toolkit-lib's IoMessage): the run
 * loop and the effects emit them; the terminal views and in-process callers (a drill waiting
 * for a step) subscribe. An event about a fact the log records carries that record itself, as
 * written: the fact exists once, in the journal, and the event points at it (see `note`).
 * Codes are stable: `TDR_I_*` information, `TDR_W_*` the run went on around something,
 * `TDR_E_*` a step could not do what it was asked.
 */

interface Ev<C extends string, D> {
  code: C;
  data: D;
}

/** What a check's evaluation is shown with: the event carries it, run-messages.ts words it. */
export interface CheckShown {
  stepId: string;
  check: string;
  mode: EvaluateCheckInput['mode'] | 'assumed';
  /** 0-based poll of a wait or postcondition */
  poll: number;
  verdict: 'pass' | 'fail' | 'unknown';
  summary: string;
  /** the step's title: a choice's question */
  question: string;
  /** a polled step: at most this many polls within timeoutMs */
  polls?: { max: number; timeoutMs: number };
}

export type RunEvent =
  | Ev<'TDR_I_RUN_START', { record: LogRecord<'run-start'> }>
  | Ev<'TDR_I_RESUME', { record: LogRecord<'deviation'> }>
  | Ev<'TDR_I_PARAM_SOURCE', { name: string; source: string }>
  | Ev<'TDR_I_DRY_RUN', Record<string, never>>
  | Ev<'TDR_W_NODE_SILENT', { node: string; record: LogRecord<'deviation'> }>
  | Ev<'TDR_I_STEP_START', { record: LogRecord<'step-start'>; depth: number; replayed: boolean }>
  | Ev<'TDR_I_COMMAND_INTENT', { record: LogRecord<'command-intent'> }>
  | Ev<'TDR_I_COMMAND_RESULT', { record: LogRecord<'command-result'> }>
  | Ev<'TDR_I_NODE_RESULT', { stepId: string; node: string; ok: boolean; summary: string; durationMs: number }>
  | Ev<'TDR_E_COMMAND_REFUSED', { record: LogRecord<'deviation'> }>
  | Ev<'TDR_W_OUTCOME_UNKNOWN', { node: string; record: LogRecord<'deviation'> }>
  | Ev<'TDR_I_WOULD_RUN', { node: string; argv: readonly string[]; local: string; record: LogRecord<'deviation'> }>
  | Ev<'TDR_E_NOT_RUN', { node: string; reason: string; record: LogRecord<'step-end'> }>
  | Ev<'TDR_I_OBSERVATION', { record: LogRecord<'observation'> }>
  | Ev<'TDR_I_CHECK_VERDICT', { shown: CheckShown; record: LogRecord<'check'> }>
  | Ev<'TDR_I_WAIT_POLL', { shown: CheckShown; record: LogRecord<'check'> }>
  | Ev<'TDR_I_NOT_RUN_AGAIN', { record: LogRecord<'deviation'> }>
  | Ev<'TDR_I_APPROVAL_RECHECK', { record: LogRecord<'check'>; voided?: LogRecord<'approval-voided'> }>
  | Ev<'TDR_I_GATE', { record: LogRecord<'approval-request'> }>
  | Ev<'TDR_I_APPROVAL', { record: LogRecord<'approval'>; flag?: { covers: string; record: LogRecord<'deviation'> } }>
  | Ev<'TDR_W_GATE_STOPPED', { record: LogRecord<'step-end'> }>
  | Ev<'TDR_W_TOKEN_MISMATCH', { stepId: string; answer: string; expected: string; triesLeft: number }>
  | Ev<'TDR_I_MANUAL', { stepId: string; prompt: string; instructions: string }>
  | Ev<
      'TDR_I_MANUAL_DONE',
      {
        how: 'drill' | 'flag' | 'tty';
        by: string;
        detail: string;
        record: LogRecord<'step-end'>;
        deviation?: LogRecord<'deviation'>;
      }
    >
  | Ev<'TDR_W_MANUAL_STOPPED', { stepId: string }>
  | Ev<'TDR_I_RUN_END', { record: LogRecord<'run-end'> }>
  | Ev<'TDR_I_RUN_SUMMARY', RunSummary>;

/** The run's last words: what the summary line says (session.ts emits it once the log is closed). */
export interface RunSummary {
  outcome: string;
  exitCode: number;
  stepId: string | undefined;
  message: string | undefined;
  unanswered: ReadonlyArray<{ node: string; why: string }>;
  logPath: string;
}

export type RunEventCode = RunEvent['code'];
export type EventOf<C extends RunEventCode> = Extract<RunEvent, { code: C }>;
export type RunEventListener = (event: RunEvent) => void;

/** The emitter a run speaks through. */
export interface RunEvents {
  emit(event: RunEvent): void;
  /** returns the unsubscribe */
  subscribe(listener: RunEventListener): () => void;
  unsubscribe(listener: RunEventListener): void;
  /** what listeners threw (each listener's first throw is kept; later ones of it are counted) */
  readonly failures: ReadonlyArray<{ error: unknown; count: number }>;
}

/**
 * A listener that throws never reaches the run: a DR run must not stop, or leave its log
 * unfinished, because a progress bar or a drill's watcher failed. Its error is kept for the
 * caller to report, and the other listeners still hear the event.
 */
export function createRunEvents(...listeners: RunEventListener[]): RunEvents {
  const subscribed = new Set<RunEventListener>(listeners);
  const failed = new Map<RunEventListener, { error: unknown; count: number }>();
  return {
    emit(event) {
      for (const listener of [...subscribed]) {
        try {
          listener(event);
        } catch (error) {
          const seen = failed.get(listener);
          if (seen) seen.count++;
          else failed.set(listener, { error, count: 1 });
        }
      }
    },
    subscribe(listener) {
      subscribed.add(listener);
      return () => subscribed.delete(listener);
    },
    unsubscribe(listener) {
      subscribed.delete(listener);
    },
    get failures() {
      return [...failed.values()];
    },
  };
}

/** What a fact is told through: the log it is recorded in and the stream it is announced on. */
export interface Recorder {
  journal: Journal;
  events: RunEvents;
}

/**
 * The one place a run fact becomes both a log record and an event: the record is appended (and
 * fsynced if durable) first, then the event is built from the record as written, so a listener
 * never hears of a fact the log does not hold.
 */
export function note<T extends RecordType>(
  to: Recorder,
  type: T,
  payload: PayloadByType[T],
  toEvent?: (record: LogRecord<T>) => RunEvent,
): LogRecord<T> {
  const record = to.journal.append(type, payload);
  if (toEvent) to.events.emit(toEvent(record));
  return record;
}
