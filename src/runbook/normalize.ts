import { type CommandClass, classify, isWeaker } from '../talos/commands.js';
import { OPAQUE } from '../talos/flag-grammar.js';
import type { FailurePolicy, Literal, ParamSpec, PollPolicy, RetryPolicy, Runbook, Step } from './model.js';
import { isRef } from './model.js';
import { parseDuration } from './params.js';
import type { OnFailureDoc, RunbookDoc, StepDoc } from './schema.js';

/**
 * Every default of the format, in one place: timeouts, retries, polling, failure policy, effect.
 * Input is a document that passed the schema and the rules.
 */
export const DEFAULTS = {
  /** a command that changes something (or writes a snapshot file) */
  timeoutMs: 120_000,
  /**
   * each call of a read-class talosctl step without `timeout:`, and each read a check, an
   * observation or a gate makes: a node that does not answer within it is reported as such (a
   * healthy node answers in well under a second; etcd reads can hang until killed)
   */
  readTimeoutMs: 10_000,
  /** the bound of a whole check step (its reads run in parallel, each within readTimeoutMs) */
  checkTimeoutMs: 30_000,
  /**
   * the machine waits this long past a read step's own timeout, so the adapter's per-call
   * timeout (and the kill of the process group: 2 s grace, then the reap) ends each call first
   * and every node's answer, or non-answer, is reported
   */
  readSettleMs: 5_000,
  retry: { attempts: 1, backoffMs: 5_000, factor: 2, maxBackoffMs: 300_000 },
  poll: { intervalMs: 5_000, factor: 1, maxIntervalMs: 60_000 },
} as const;

const ms = (text: string | undefined, fallback: number): number =>
  text === undefined ? fallback : (parseDuration(text) ?? fallback);

function normalizeFailure(doc: OnFailureDoc | undefined): FailurePolicy {
  if (doc === undefined || doc === 'abort') return { kind: 'abort' };
  if (doc === 'continue') return { kind: 'continue' };
  return { kind: 'goto', target: doc.goto };
}

function normalizeRetry(
  doc: { attempts: number; backoff?: string; factor?: number; maxBackoff?: string } | undefined,
): RetryPolicy {
  const { attempts = 1, backoff, factor = DEFAULTS.retry.factor, maxBackoff } = doc ?? {};
  return {
    attempts,
    backoffMs: ms(backoff, DEFAULTS.retry.backoffMs),
    factor,
    maxBackoffMs: ms(maxBackoff, DEFAULTS.retry.maxBackoffMs),
  };
}

/** A polling bound, or undefined when the check is asked once (no timeout given). */
function normalizePoll(spec: {
  timeout?: string;
  interval?: string;
  backoff?: number;
  maxInterval?: string;
}): PollPolicy | undefined {
  return spec.timeout === undefined
    ? undefined
    : {
        timeoutMs: ms(spec.timeout, 0),
        intervalMs: ms(spec.interval, DEFAULTS.poll.intervalMs),
        factor: spec.backoff ?? DEFAULTS.poll.factor,
        maxIntervalMs: ms(spec.maxInterval, DEFAULTS.poll.maxIntervalMs),
      };
}

/** One step with its defaults; `path` is where it sits in the YAML document. */
export function normalizeStep(doc: StepDoc, path: ReadonlyArray<string | number>): Step {
  const base = { id: doc.id, title: doc.title ?? doc.id, description: doc.description, path };
  if ('foreach' in doc) {
    return {
      ...base,
      kind: 'foreach',
      in: doc.foreach.in,
      as: doc.foreach.as,
      steps: doc.steps.map((s, i) => normalizeStep(s, [...path, 'steps', i])),
    };
  }
  if ('confirm' in doc) return { ...base, kind: 'confirm', prompt: doc.confirm.prompt, token: doc.confirm.token };
  if ('manual' in doc) {
    const { instructions, prompt = 'Done?' } = doc.manual;
    return { ...base, kind: 'manual', instructions, prompt };
  }
  if ('end' in doc) return { ...base, kind: 'end', outcome: doc.end.outcome, message: doc.end.message };
  if ('wait' in doc || 'postcondition' in doc) {
    const [kind, spec] =
      'wait' in doc ? (['wait', doc.wait] as const) : (['postcondition', doc.postcondition] as const);
    const poll = normalizePoll(spec);
    return {
      ...base,
      kind,
      check: spec.check,
      with: spec.with ?? {},
      poll,
      timeoutMs: DEFAULTS.checkTimeoutMs,
      onFailure: normalizeFailure(doc.onFailure),
    };
  }
  if ('choice' in doc) {
    const { check, with: args = {}, ifPass, ifFail } = doc.choice;
    return {
      ...base,
      kind: 'choice',
      check,
      with: args,
      ifPass,
      ifFail,
      timeoutMs: ms(doc.timeout, DEFAULTS.checkTimeoutMs),
      onFailure: normalizeFailure(doc.onFailure),
    };
  }
  const invoking = {
    timeoutMs: ms(doc.timeout, DEFAULTS.timeoutMs),
    retry: normalizeRetry(doc.retry),
    onFailure: normalizeFailure(doc.onFailure),
  };
  if ('read' in doc) {
    return {
      ...base,
      ...invoking,
      kind: 'read',
      observe: doc.read.observe,
      with: doc.read.with ?? {},
      capture: doc.capture ?? doc.id,
    };
  }
  if ('precondition' in doc) {
    return {
      ...base,
      ...invoking,
      timeoutMs: ms(doc.timeout, DEFAULTS.checkTimeoutMs),
      kind: 'precondition',
      check: doc.precondition.check,
      with: doc.precondition.with ?? {},
    };
  }
  const command = classifyStep(doc.talosctl);
  const declared = doc.effect === 'mutating' ? 'disruptive' : doc.effect;
  const effect = declared !== undefined && isWeaker(command.effect, declared) ? declared : command.effect;
  const target =
    doc.nodes !== undefined
      ? { many: true, value: doc.nodes }
      : doc.node !== undefined
        ? { many: false, value: doc.node }
        : undefined;
  return {
    ...base,
    ...invoking,
    // a read gets the short read timeout unless the runbook sets its own `timeout:`
    timeoutMs: ms(doc.timeout, effect === 'read' ? DEFAULTS.readTimeoutMs : DEFAULTS.timeoutMs),
    kind: 'talosctl',
    argv: doc.talosctl,
    target,
    effect,
    command,
    subcommand: command.shape,
    gate: command.gate || effect === 'irreversible',
    quorum: effect === 'disruptive' ? (command.outOfService ?? 'node') : undefined,
    capture: doc.capture,
    done:
      doc.done === undefined
        ? undefined
        : {
            check: doc.done.check,
            with: doc.done.with ?? {},
            poll: normalizePoll(doc.done),
            otherwise: doc.done.otherwise ?? 'ask',
          },
  };
}

/**
 * The registry's class of a step's argv, refs read as opaque values. A refused argv (lint
 * reports it, RB1217) is classed irreversible so nothing downstream treats it as harmless.
 */
export function classifyStep(argv: ReadonlyArray<string | { ref: string }>): CommandClass {
  const c = classify(argv.map((a) => (isRef(a) ? OPAQUE : a)));
  if (c.ok) return c.value;
  return {
    effect: 'irreversible',
    shape: argv.filter((a): a is string => typeof a === 'string' && !a.startsWith('-')).join(' '),
    known: false,
    reason: c.refusal.reason,
    destroys: 'refused: this argv may never run',
    outOfService: 'node',
    gate: true,
    localFile: undefined,
    outputs: undefined,
  };
}

function normalizeParam(
  doc: RunbookDoc['params'] extends infer P ? (P extends Record<string, infer Q> ? Q : never) : never,
): ParamSpec {
  return {
    type: doc.type,
    description: doc.description,
    default: doc.default as Literal | undefined,
    values: doc.values,
    min: doc.min,
    max: doc.max,
  };
}

/** The whole runbook with its defaults. */
export function normalizeRunbook(doc: RunbookDoc): Runbook {
  const { name, title, summary, whenToUse, references = [] } = doc.metadata;
  return {
    apiVersion: doc.apiVersion,
    metadata: { name, title, summary, whenToUse, references },
    params: Object.fromEntries(Object.entries(doc.params ?? {}).map(([k, p]) => [k, normalizeParam(p)])),
    steps: doc.steps.map((s, i) => normalizeStep(s, ['steps', i])),
  };
}
