import type { NodeOutcome } from '../talos/outcome.js';
import type { NodeError } from '../talos/parse/errors.js';
import type { Read } from './reader.js';

/**
 * Why a read has no value, in the few classes a check may reason about. Only three of them say
 * something about etcd: `node-unreachable` (talosctl could not reach the node's apid at all),
 * `etcd-unreachable` (the node answered, its etcd did not: refused on :2379, deadline exceeded)
 * and `no-leader` (the node's etcd answered that it knows no leader). `timeout` is ambiguous on
 * its own (the node or only its etcd); the other reads of the node settle it. Everything else —
 * PermissionDenied, a certificate talosctl and the node do not agree on, a worker's Unimplemented,
 * output we did not understand, an unknown error — is a problem on our side of the question and
 * never evidence about the cluster: a wrong talosconfig must never read as a lost member.
 */
export type ReadCause =
  | 'node-unreachable'
  | 'etcd-unreachable'
  | 'timeout'
  | 'no-leader'
  | 'not-control-plane'
  | 'denied'
  | 'certificate'
  | 'unparsed'
  /** etcd answers "rpc not supported for learner": the node's member is a learner */
  | 'learner'
  /** gRPC NotFound for a resource (`get volumestatus ETCD` on a Talos that has no ETCD volume) */
  | 'not-found'
  | 'error';

/** Words for each cause, for summaries: what a responder should read about it. */
export const CAUSE_WORDS: Readonly<Record<ReadCause, string>> = {
  'node-unreachable': 'the node did not answer',
  'etcd-unreachable': 'its etcd refused the connection',
  timeout: 'timed out',
  'no-leader': 'etcd answers "no leader"',
  'not-control-plane': 'not a control plane node',
  denied: 'permission denied (a talosconfig/RBAC problem, not evidence about etcd)',
  certificate: 'TLS certificate problem (talosconfig, endpoint or certificate SANs; not evidence about etcd)',
  unparsed: 'output not understood',
  learner: 'a learner runs there (a learner cannot list the members)',
  'not-found': 'the node has no such resource',
  error: 'error',
};

/**
 * Causes that positively say the node's etcd gives no answer at all (the node or its etcd is down,
 * or it knows no leader). A timeout is not among them: it may be a slow etcd.
 */
export const ETCD_SILENT: ReadonlySet<ReadCause> = new Set(['node-unreachable', 'etcd-unreachable', 'no-leader']);

/** A dial to etcd's client port on the node itself (Talos's etcd client talks to localhost:2379). */
const ETCD_DIAL = /(?:127\.0\.0\.1|localhost|\[::1\]):2379\b/;
/** A transport failure of talosctl → apid: the machine (or its apid) does not answer. */
const NODE_DIAL = /:50000\b|Error while dialing|connection refused|no route to host|i\/o timeout|connection reset/;

/** The cause of one classified talosctl error. */
export function causeOfError(e: NodeError): ReadCause {
  const text = `${e.code ?? ''} ${e.desc}`;
  switch (e.kind) {
    case 'timeout':
      // talosctl killed by our deadline, or a server-side "context deadline exceeded"
      return 'timeout';
    case 'no-leader':
      return 'no-leader';
    case 'not-control-plane':
    case 'service-not-registered':
      return 'not-control-plane';
    case 'permission-denied':
    case 'no-request-forwarding':
      return 'denied';
    case 'certificate':
      return 'certificate';
    case 'learner-not-supported':
      return 'learner';
    case 'unreachable':
      if (/no such host/.test(text)) return 'error'; // a name that does not resolve proves nothing
      if (ETCD_DIAL.test(text)) return 'etcd-unreachable';
      if (NODE_DIAL.test(text)) return 'node-unreachable';
      return 'error';
    default:
      // a resource the node does not have; etcd's own "member not found" has a kind of its own
      return e.code === 'NotFound' ? 'not-found' : 'error';
  }
}

/** The cause of a failed call: its errors must agree, else it is a plain error. */
export function causeOfOutcome(outcome: NodeOutcome): ReadCause {
  if (outcome.reason === 'timeout') return 'timeout';
  const causes = [...new Set(outcome.errors.map(causeOfError))];
  return causes.length === 1 && causes[0] !== undefined ? causes[0] : 'error';
}

/** The failed Read of a talosctl call that did not succeed (shared by the live reader and replay). */
export function failedRead(outcome: NodeOutcome): Extract<Read<never>, { ok: false }> {
  const reason =
    outcome.errors
      .map((e) => (e.hint === undefined || e.class !== 'config' ? e.desc : `${e.desc} (${e.hint})`))
      .join('; ') || outcome.reason;
  const cause = causeOfOutcome(outcome);
  const unreachable = outcome.reason === 'timeout' || outcome.errors.some((e) => e.kind === 'unreachable');
  return { ok: false, reason, unreachable, cause };
}

/** The failed Read of output the parser refused. */
export function unparsedRead(message: string): Extract<Read<never>, { ok: false }> {
  return { ok: false, reason: `output not understood: ${message}`, unreachable: false, cause: 'unparsed' };
}

/**
 * The cause of a failed read; a read from an older log or a test fake without one falls back on its
 * `unreachable` flag: a timeout stays ambiguous, anything else is an error.
 */
export function causeOf(r: Extract<Read<unknown>, { ok: false }>): ReadCause {
  return r.cause ?? (r.unreachable ? 'timeout' : 'error');
}
