/**
 * Classification of talosctl's stderr. talosctl exits 1 on any error and prints the Go error text;
 * what matters is the gRPC code and the known `desc` strings, possibly per node:
 *   v1.14+: `error from node <n>: rpc error: code = X desc = Y` (one line per failed node)
 *   ≤1.13:  `[WARNING: |<context>: ]N error(s) occurred:\n\t* <n>: rpc error: code = X desc = Y`
 * Cobra usage text, appended when the error mentions "command"/"flag"/"arg(s)", is ignored.
 */

export type TalosctlErrorKind =
  | 'none'
  | 'already-bootstrapped'
  | 'not-ready'
  | 'not-control-plane'
  | 'member-not-found'
  | 'no-leader'
  | 'not-enough-started-members'
  | 'unhealthy-cluster'
  | 'learner-not-supported'
  | 'only-one-member'
  | 'log-not-registered'
  | 'service-not-registered'
  | 'single-node-only'
  | 'permission-denied'
  | 'unreachable'
  | 'invalid-argument'
  | 'timeout'
  | 'canceled'
  | 'unknown';

/** One classified error: for one node, or for the whole command when no node is named. */
export interface NodeError {
  kind: TalosctlErrorKind;
  /** the gRPC code name (`Unavailable`), when the text has one */
  code: string | undefined;
  /** the gRPC description, or the whole error text when there is no gRPC part */
  desc: string;
  /** the node the error is attributed to, when talosctl names one */
  node: string | undefined;
  /** true when the same call may succeed later without operator action */
  retryable: boolean;
  /** a member id named in the error, mapped from decimal back to 16 hex digits */
  memberId: string | undefined;
}

export interface TalosctlErrorInfo extends NodeError {
  /** every error found, one per failed node for multi-node output */
  errors: NodeError[];
  /** ≤1.13 `WARNING:` form: the command itself still succeeded for other nodes */
  warning: boolean;
  /** the stderr text, unchanged */
  raw: string;
}

const RETRYABLE: ReadonlySet<TalosctlErrorKind> = new Set([
  'not-ready',
  'no-leader',
  'unhealthy-cluster',
  'unreachable',
  'timeout',
]);

const GRPC = /rpc error: code = (\w+) desc = ([\s\S]*)$/;

/** The desc (or whole text) patterns, checked in order; the first that matches names the kind. */
const KINDS: ReadonlyArray<[RegExp, TalosctlErrorKind, string?]> = [
  [/etcd data directory is not empty/, 'already-bootstrapped'],
  [/bootstrap is not available yet|time is not in sync yet|etcd service is not ready for recovery yet/, 'not-ready'],
  [
    /only available on control plane nodes|machine type is not set|can only be performed on a control plane node/,
    'not-control-plane',
  ],
  [/member not found/, 'member-not-found'],
  [/etcdserver: no leader/, 'no-leader'],
  [/not enough started members/, 'not-enough-started-members'],
  [/etcdserver: unhealthy cluster/, 'unhealthy-cluster'],
  [/rpc not supported for learner/, 'learner-not-supported'],
  [/cannot forfeit leadership, only one member/, 'only-one-member'],
  [/log "[^"]*" was not registered/, 'log-not-registered'],
  [/service "[^"]*" is not registered/, 'service-not-registered'],
  [/requires exactly one node \(got \d+\)|is not supported with multiple nodes/, 'single-node-only'],
  [/context deadline exceeded/, 'timeout'],
  [/context canceled|Signal received, aborting/, 'canceled'],
];

const BY_CODE: Readonly<Record<string, TalosctlErrorKind>> = {
  DeadlineExceeded: 'timeout',
  Canceled: 'canceled',
  PermissionDenied: 'permission-denied',
  Unauthenticated: 'permission-denied',
  Unavailable: 'unreachable',
  InvalidArgument: 'invalid-argument',
};

function memberIdIn(text: string): string | undefined {
  const dec = /remove member (\d{1,20})\b/.exec(text)?.[1];
  if (dec !== undefined) {
    const n = BigInt(dec);
    if (n < 2n ** 64n) return n.toString(16).padStart(16, '0');
  }
  return /\b([0-9a-f]{16})\b/.exec(text)?.[1];
}

/** Classifies one error text (without a node prefix). */
export function classifyOne(text: string, node?: string): NodeError {
  const t = text.trim();
  const g = GRPC.exec(t);
  const code = g?.[1];
  const desc = (g?.[2] ?? t).trim();
  let kind = KINDS.find(([re]) => re.test(t))?.[1];
  if (kind === undefined && code !== undefined) kind = BY_CODE[code];
  if (kind === undefined && /connection refused|no such host|connection error|i\/o timeout/.test(t)) {
    kind = 'unreachable';
  }
  const k = kind ?? 'unknown';
  return { kind: k, code, desc, node, retryable: RETRYABLE.has(k), memberId: memberIdIn(t) };
}

/** Drops cobra's usage text (it starts at `Usage:`) and blank lines. */
function errorLines(stderr: string): string[] {
  const lines = stderr.replace(/\r\n?/g, '\n').split('\n');
  const usage = lines.findIndex((l) => /^Usage:\s*$/.test(l));
  return (usage >= 0 ? lines.slice(0, usage) : lines).filter((l) => l.trim() !== '');
}

const NONE: NodeError = {
  kind: 'none',
  code: undefined,
  desc: '',
  node: undefined,
  retryable: false,
  memberId: undefined,
};

/**
 * Classifies talosctl's stderr into a primary error (the first one) plus the per-node list. Empty
 * stderr is kind 'none'; text we do not recognise is 'unknown' with the text kept in desc and raw.
 */
export function classifyError(stderr: string): TalosctlErrorInfo {
  const raw = typeof stderr === 'string' ? stderr : String(stderr);
  const errors: NodeError[] = [];
  let warning = false;
  let multierror = false;
  for (const line of errorLines(raw)) {
    const fromNode = /^error from node ([^\s:][^\s]*?): ([\s\S]*)$/.exec(line);
    const bullet = /^\t\* (\S+?): ([\s\S]*)$/.exec(line) ?? /^\s*\* ([^\s:]+): ([\s\S]*)$/.exec(line);
    const header = /^(WARNING: )?(?:(.*?): )?\d+ errors? occurred:\s*$/.exec(line);
    if (fromNode !== null) {
      errors.push(classifyOne(fromNode[2] ?? '', fromNode[1]));
    } else if (header !== null) {
      multierror = true;
      if (header[1] !== undefined) warning = true;
    } else if (bullet !== null && multierror) {
      errors.push(classifyOne(bullet[2] ?? '', bullet[1]));
    } else if (/^WARNING: /.test(line) && !/rpc error|error/.test(line)) {
      // a plain warning (e.g. server version older than client): not an error
    } else if (/^\s/.test(line) && errors.length > 0) {
      // a continuation of the previous error text
    } else {
      const text = line.replace(/^WARNING: /, '');
      if (line !== text) warning = true;
      errors.push(classifyOne(text));
    }
  }
  const first = errors[0] ?? NONE;
  return { ...first, errors, warning: warning && errors.length > 0, raw };
}
