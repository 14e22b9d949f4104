import { runProcess } from './run-process.js';

/**
 * etcdctl as argv calls with short timeouts (a dead endpoint is not a fast failure: the client
 * retries until --command-timeout), and JSON parsing that keeps uint64 ids exact (JSON.parse
 * rounds them: etcd-lab.md gotcha 1).
 */

export interface CtlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** the `Error: …` text etcdctl printed, or the last stderr line */
  readonly error: string;
}

export interface CtlOptions {
  readonly commandTimeoutS?: number;
  readonly dialTimeoutS?: number;
  readonly input?: string;
}

export const clientUrl = (ip: string): string => `http://${ip}:2379`;
export const peerUrl = (ip: string): string => `http://${ip}:2380`;

export async function etcdctl(
  endpoints: readonly string[],
  args: readonly string[],
  opts: CtlOptions = {},
): Promise<CtlResult> {
  const cmdT = opts.commandTimeoutS ?? 3;
  const argv = [
    ...(endpoints.length > 0 ? ['--endpoints', endpoints.join(',')] : []),
    '--dial-timeout',
    `${opts.dialTimeoutS ?? 1}s`,
    '--command-timeout',
    `${cmdT}s`,
    ...args,
  ];
  const r = await runProcess('etcdctl', argv, {
    env: { ...process.env, ETCDCTL_API: '3' },
    timeoutMs: (cmdT + 10) * 1000,
    ...(opts.input === undefined ? {} : { input: opts.input }),
  });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, error: errorText(r.stderr) };
}

/** The human error of an etcdctl failure, without its JSON warn lines. */
export function errorText(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
  const err = lines.find((l) => l.startsWith('Error: '));
  return (err ? err.slice('Error: '.length) : (lines.at(-1) ?? '')).trim();
}

const ID_FIELDS = /("(?:ID|member_id|leader|memberID|cluster_id)":\s*)(\d+)/g;

/** JSON.parse with the uint64 id fields kept as decimal strings. */
export function parseEtcdJson(raw: string): unknown {
  return JSON.parse(raw.replace(ID_FIELDS, '$1"$2"'));
}

export interface MemberInfo {
  readonly id: string; // decimal
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
  readonly isLearner: boolean;
}

export function parseMemberList(raw: string): MemberInfo[] {
  const doc = parseEtcdJson(raw) as { members?: Array<Partial<Record<string, unknown>>> };
  return (doc.members ?? []).map((m) => ({
    id: String(m.ID ?? '0'),
    name: typeof m.name === 'string' ? m.name : '',
    peerURLs: Array.isArray(m.peerURLs) ? m.peerURLs.map(String) : [],
    clientURLs: Array.isArray(m.clientURLs) ? m.clientURLs.map(String) : [],
    isLearner: m.isLearner === true,
  }));
}

export interface EndpointStatus {
  readonly memberId: string; // decimal
  readonly leader: string; // decimal, '0' when absent
  readonly revision: number;
  readonly dbSize: number;
  readonly dbSizeInUse: number;
  readonly raftIndex: number;
  readonly raftTerm: number;
  readonly raftAppliedIndex: number;
  readonly isLearner: boolean;
  readonly version: string;
  readonly errors: readonly string[];
}

export function parseEndpointStatus(raw: string): EndpointStatus | null {
  const arr = parseEtcdJson(raw) as Array<{ Status?: Record<string, unknown> }>;
  const s = arr[0]?.Status;
  if (!s) return null;
  const header = (s.header ?? {}) as Record<string, unknown>;
  return {
    memberId: String(header.member_id ?? '0'),
    leader: String(s.leader ?? '0'),
    revision: Number(header.revision ?? 0),
    dbSize: Number(s.dbSize ?? 0),
    dbSizeInUse: Number(s.dbSizeInUse ?? 0),
    raftIndex: Number(s.raftIndex ?? 0),
    raftTerm: Number(s.raftTerm ?? 0),
    raftAppliedIndex: Number(s.raftAppliedIndex ?? 0),
    isLearner: s.isLearner === true,
    version: String(s.version ?? ''),
    errors: Array.isArray(s.errors) ? s.errors.map(String) : [],
  };
}

/** One endpoint's status, or null when it does not answer. */
export async function endpointStatus(ip: string, timeoutS = 2): Promise<EndpointStatus | null> {
  const r = await etcdctl([clientUrl(ip)], ['endpoint', 'status', '-w', 'json'], { commandTimeoutS: timeoutS });
  if (r.code !== 0) return null;
  try {
    return parseEndpointStatus(r.stdout);
  } catch {
    return null;
  }
}

export interface AlarmInfo {
  readonly memberId: string;
  readonly alarm: 'NONE' | 'NOSPACE' | 'CORRUPT';
}

export function parseAlarms(raw: string): AlarmInfo[] {
  const doc = parseEtcdJson(raw) as { alarms?: Array<{ memberID?: string; alarm?: number }> };
  const names = ['NONE', 'NOSPACE', 'CORRUPT'] as const;
  return (doc.alarms ?? []).map((a) => ({ memberId: String(a.memberID ?? '0'), alarm: names[a.alarm ?? 0] ?? 'NONE' }));
}

/** etcd's gRPC code for an etcdserver error text (api/v3rpc/rpctypes), as Talos passes it on. */
export function grpcCodeOf(err: string): string {
  if (/member not found/.test(err)) return 'NotFound';
  if (/no leader|unhealthy cluster|server stopped|leader changed/.test(err)) return 'Unavailable';
  if (/database space exceeded/.test(err)) return 'ResourceExhausted';
  if (/context deadline exceeded|timed out/.test(err)) return 'DeadlineExceeded';
  if (/not enough started members|not in sync|learner|bad leader transferee|too many learner/.test(err))
    return 'FailedPrecondition';
  if (/already exists|exists/.test(err)) return 'AlreadyExists';
  return 'Unknown';
}

export interface SnapshotInfo {
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
}

/** `etcdctl snapshot status -w json`: {"hash":…,"revision":…,"totalKey":…,"totalSize":…} */
export async function snapshotStatus(path: string): Promise<SnapshotInfo | { error: string }> {
  const r = await etcdctl([], ['snapshot', 'status', path, '-w', 'json'], { commandTimeoutS: 30 });
  if (r.code !== 0) {
    return { error: r.code === 2 ? 'snapshot file is damaged (bbolt check failed)' : r.error || `exit ${r.code}` };
  }
  try {
    const s = JSON.parse(r.stdout) as Record<string, number>;
    return { hash: s.hash ?? 0, revision: s.revision ?? 0, totalKey: s.totalKey ?? 0, totalSize: s.totalSize ?? 0 };
  } catch {
    return { error: `unreadable snapshot status: ${r.stdout.slice(0, 200)}` };
  }
}
