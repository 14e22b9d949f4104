/**
 * What one talosctl error text means: its kind, the class of problem the kind belongs to (which
 * decides whether a retry can help and how bad it is next to other causes), and the fix in words.
 * Pure functions over one cause; the shapes talosctl nests causes in are read by error-shapes.ts.
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
  | 'server-stopped'
  | 'learner-not-supported'
  | 'only-one-member'
  | 'log-not-registered'
  | 'service-not-registered'
  | 'single-node-only'
  | 'nospace'
  | 'certificate'
  | 'permission-denied'
  | 'no-request-forwarding'
  | 'unreachable'
  | 'invalid-argument'
  | 'timeout'
  | 'canceled'
  | 'unknown';

/**
 * The class of a kind, mildest first. `done`: the goal is already reached (a member removed
 * twice). `transient`: the same call may succeed later. `refused`: the cluster's state forbids
 * it. `usage`: our call is wrong. `config`: the talosconfig, endpoint or certificates are wrong:
 * nothing will work until an operator fixes them, and nothing about the cluster can be concluded.
 */
export type ErrorClass = 'none' | 'done' | 'transient' | 'canceled' | 'refused' | 'usage' | 'unknown' | 'config';

export const CLASS_OF: Readonly<Record<TalosctlErrorKind, ErrorClass>> = {
  none: 'none',
  'member-not-found': 'done',
  'not-ready': 'transient',
  'no-leader': 'transient',
  'unhealthy-cluster': 'transient',
  'server-stopped': 'transient',
  unreachable: 'transient',
  timeout: 'transient',
  canceled: 'canceled',
  'already-bootstrapped': 'refused',
  'not-control-plane': 'refused',
  'not-enough-started-members': 'refused',
  'learner-not-supported': 'refused',
  'only-one-member': 'refused',
  'log-not-registered': 'refused',
  'service-not-registered': 'refused',
  nospace: 'refused',
  'single-node-only': 'usage',
  'invalid-argument': 'usage',
  unknown: 'unknown',
  certificate: 'config',
  'permission-denied': 'config',
  'no-request-forwarding': 'config',
};

const RANK: Readonly<Record<ErrorClass, number>> = {
  none: 0,
  done: 1,
  transient: 2,
  canceled: 3,
  refused: 4,
  usage: 5,
  unknown: 6,
  config: 7,
};

/** How bad a kind is next to another cause of the same failure; the worst one names the failure. */
export function severity(kind: TalosctlErrorKind): number {
  return RANK[CLASS_OF[kind]];
}

/** True when the same call may succeed later without operator action. */
export function isRetryable(kind: TalosctlErrorKind): boolean {
  return CLASS_OF[kind] === 'transient';
}

/** The certificate/TLS failures: talosctl and the node do not trust each other. */
const TLS =
  /x509: |tls: (?:failed to verify|bad certificate|unknown certificate|certificate required|handshake failure)|remote error: tls: |authentication handshake failed: (?:tls|x509|remote error)/;

/** The desc (or whole text) patterns, checked in order; the first that matches names the kind. */
const KINDS: ReadonlyArray<readonly [RegExp, TalosctlErrorKind]> = [
  [TLS, 'certificate'],
  [/no request forwarding/, 'no-request-forwarding'],
  [/database space exceeded|etcdserver: no space|\bNOSPACE\b/, 'nospace'],
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
  [/etcdserver: server stopped/, 'server-stopped'],
  [/rpc not supported for learner/, 'learner-not-supported'],
  [/cannot forfeit leadership, only one member/, 'only-one-member'],
  [/log "[^"]*" was not registered/, 'log-not-registered'],
  [/service "[^"]*" is not registered/, 'service-not-registered'],
  [/requires exactly one node \(got \d+\)|is not supported with multiple nodes/, 'single-node-only'],
];

const BY_CODE: Readonly<Record<string, TalosctlErrorKind>> = {
  DeadlineExceeded: 'timeout',
  Canceled: 'canceled',
  PermissionDenied: 'permission-denied',
  Unauthenticated: 'permission-denied',
  Unavailable: 'unreachable',
  InvalidArgument: 'invalid-argument',
};

const TRANSPORT = /connection refused|no such host|connection error|i\/o timeout|no route to host|connection reset/;

/**
 * The kind of one cause. A code the text does not explain decides (Unavailable is `unreachable`
 * even when its text ends in "context deadline exceeded": the dial or handshake timed out);
 * without a code, a deadline is `timeout` and a transport failure `unreachable`.
 */
export function kindOf(text: string, code: string | undefined): TalosctlErrorKind {
  const byText = KINDS.find(([re]) => re.test(text))?.[1];
  if (byText !== undefined) return byText;
  if (code !== undefined && BY_CODE[code] !== undefined) return BY_CODE[code];
  if (TRANSPORT.test(text)) return 'unreachable';
  if (/context deadline exceeded|\btimeout$/.test(text)) return 'timeout';
  if (/context canceled|Signal received, aborting/.test(text)) return 'canceled';
  return 'unknown';
}

/** The fix, in words, for the kinds an operator must act on; undefined when the kind says it all. */
export function hintFor(kind: TalosctlErrorKind, text: string): string | undefined {
  switch (kind) {
    case 'certificate':
      if (/certificate is valid for .*, not /.test(text))
        return 'the node certificate does not name the address talosctl used: use an endpoint the certificate names (talosconfig endpoints / --endpoints), or add the address to machine.certSANs';
      if (/signed by unknown authority/.test(text))
        return 'talosctl does not trust the node certificate: the talosconfig (or --context) belongs to another cluster, or the node was rebuilt with new secrets; use the talosconfig generated with this cluster';
      if (/expired|not yet valid/.test(text))
        return 'a certificate is outside its validity period: check the clock of this machine and of the node, then renew the talosconfig (talosctl config new)';
      if (/bad certificate|certificate required|unknown certificate/.test(text))
        return 'the node rejected the client certificate of the talosconfig: it is expired or issued by another CA; regenerate it with talosctl config new, or pick the right --context';
      return 'TLS between talosctl and the node failed: check the talosconfig (CA and client certificate), the endpoint and the node certificate SANs';
    case 'permission-denied':
      return 'the talosconfig role does not allow this call: bootstrap, etcd leave, remove-member, forfeit-leadership and reset need os:admin; os:etcd:backup only allows snapshot, status, members and alarm list; defrag and alarm disarm need os:operator or os:admin';
    case 'no-request-forwarding':
      return 'the endpoint is a worker node, which does not forward requests to other nodes: point --endpoints (or the talosconfig endpoints) at a control-plane node';
    case 'nospace':
      return 'etcd exceeded its space quota (NOSPACE alarm) and refuses writes: run the nospace-recovery runbook (compact, defragment one member at a time, then disarm the alarm)';
    case 'member-not-found':
      return 'the member is no longer in the cluster: it was already removed';
    case 'timeout':
      return 'the call ran out of time (DeadlineExceeded): the node answered too slowly, or its etcd does not accept connections';
    case 'unreachable':
      if (/authentication handshake failed: (?:context deadline exceeded|EOF)/.test(text))
        return 'the TLS handshake did not complete: the endpoint is probably not a Talos API of this cluster (wrong address or port), or a firewall cuts it';
      return 'talosctl could not connect (Unavailable): the node or the endpoint does not answer';
    default:
      return undefined;
  }
}
