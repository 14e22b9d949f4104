/**
 * Classification of talosctl's stderr. talosctl exits 1 on any error and prints the Go error text;
 * what matters is the gRPC code and the known `desc` strings, per node, and every cause of a
 * nested list (error-shapes.ts reads the shapes, error-kinds.ts names one cause). The worst cause
 * names a failure: a certificate problem next to a timeout is a certificate problem.
 */
import {
  CLASS_OF,
  type ErrorClass,
  hintFor,
  isRetryable,
  kindOf,
  severity,
  type TalosctlErrorKind,
} from './error-kinds.js';
import { type Progress, readShapes } from './error-shapes.js';

export type { ErrorClass, TalosctlErrorKind } from './error-kinds.js';
export type { Progress } from './error-shapes.js';

/** One classified error: for one node, or for the whole command when no node is named. */
export interface NodeError {
  kind: TalosctlErrorKind;
  /** the class of the kind: what a retry, an operator or the engine can do about it */
  class: ErrorClass;
  /** the gRPC code name (`Unavailable`), when the text has one */
  code: string | undefined;
  /** the gRPC description, or the whole error text when there is no gRPC part (causes included) */
  desc: string;
  /** the node the error is attributed to, when talosctl names one */
  node: string | undefined;
  /** true when the same call may succeed later without operator action */
  retryable: boolean;
  /** a member id named in the error, mapped from decimal back to 16 hex digits */
  memberId: string | undefined;
  /** the fix, in words, when the operator must act */
  hint: string | undefined;
  /** the causes of a nested list (`N error(s) occurred:`), each classified; empty for one cause */
  causes: NodeError[];
}

export interface TalosctlErrorInfo extends NodeError {
  /** every error found, one per failed node for multi-node output */
  errors: NodeError[];
  /** ≤1.13 `WARNING:` form: the command itself still succeeded for other nodes */
  warning: boolean;
  /** reset/reboot --wait: the last progress message of each node that did not fail */
  progress: Progress[];
  /** the stderr text, unchanged */
  raw: string;
}

const GRPC = /rpc error: code = (\w+) desc = ([\s\S]*)$/;
const NESTED_HEADER = /\d+ (?:errors?|error\(s\)) occurred:\s*$/;

function memberIdIn(text: string): string | undefined {
  const dec = /remove member (\d{1,20})\b/.exec(text)?.[1];
  if (dec !== undefined) {
    const n = BigInt(dec);
    if (n < 2n ** 64n) return n.toString(16).padStart(16, '0');
  }
  return /\b([0-9a-f]{16})\b/.exec(text)?.[1];
}

function leaf(text: string, node: string | undefined): NodeError {
  const t = text.trim();
  const g = GRPC.exec(t);
  const code = g?.[1];
  const kind = kindOf(t, code);
  return {
    kind,
    class: CLASS_OF[kind],
    code,
    desc: (g?.[2] ?? t).trim(),
    node,
    retryable: isRetryable(kind),
    memberId: memberIdIn(t),
    hint: hintFor(kind, t),
    causes: [],
  };
}

/**
 * The cause that names a list of causes: the worst. Within one call's list (`attempts`), `member
 * not found` supersedes the transient causes before it. Talos retries a removal and collects every attempt's error
 * ("server stopped", then "member not found"): the member is gone, which was the goal.
 */
export function decisiveCause(causes: readonly NodeError[], attempts = true): NodeError | undefined {
  const gone = attempts ? causes.find((c) => c.kind === 'member-not-found') : undefined;
  if (gone !== undefined && causes.every((c) => c.class === 'transient' || c.class === 'done')) return gone;
  let worst: NodeError | undefined;
  for (const c of causes) if (worst === undefined || severity(c.kind) > severity(worst.kind)) worst = c;
  return worst;
}

/**
 * Classifies one error text (without a node prefix); the lines nested under it, if any, are its
 * causes. A text that is only a list header takes its kind from its decisive cause.
 */
export function classifyOne(text: string, node?: string, nested: readonly string[] = []): NodeError {
  const [first = '', ...rest] = String(text).replace(/\r\n?/g, '\n').split('\n');
  const own = leaf(first, node);
  const lines = [...rest, ...nested].map((l) => l.replace(/^\s*(?:\* )?/, '').trimEnd()).filter((l) => l !== '');
  if (lines.length === 0) return own;
  const causes = lines.map((l) => leaf(l, node));
  const header = NESTED_HEADER.test(first);
  const decisive = decisiveCause(header && own.kind === 'unknown' ? causes : [own, ...causes]) ?? own;
  const desc = [own.desc, ...lines].join('\n');
  return {
    ...own,
    kind: decisive.kind,
    class: decisive.class,
    retryable: decisive.retryable,
    hint: decisive.hint,
    memberId: own.memberId ?? causes.find((c) => c.memberId !== undefined)?.memberId,
    desc,
    causes,
  };
}

const NONE: NodeError = {
  kind: 'none',
  class: 'none',
  code: undefined,
  desc: '',
  node: undefined,
  retryable: false,
  memberId: undefined,
  hint: undefined,
  causes: [],
};

/**
 * Classifies talosctl's stderr into the decisive error (the worst one) plus the per-node list.
 * Empty stderr, or only progress and plain warnings, is kind 'none'; text we do not recognise is
 * 'unknown' with the text kept in desc and raw. Never throws.
 */
export function classifyError(stderr: string): TalosctlErrorInfo {
  const raw = typeof stderr === 'string' ? stderr : String(stderr);
  const shapes = readShapes(raw);
  const errors = shapes.entries.map((e) => classifyOne(e.head, e.node, e.nested));
  const warning = shapes.entries.some((e) => e.warning);
  // the nodes' errors are independent: the worst names the command's failure
  const primary = decisiveCause(errors, false) ?? NONE;
  return { ...primary, errors, warning: warning && errors.length > 0, progress: shapes.progress, raw };
}
