import type { ClusterReader, Read } from '../../src/checks/reader.js';
import type {
  Alarm,
  AlarmKind,
  EtcdVolume,
  Member,
  MemberStatus,
  NodeTime,
  ServiceState,
  ServiceStateName,
} from '../../src/talos/observations.js';

/**
 * An in-memory cluster for check tests: a few nodes, each with one etcd member, whose answers are
 * observation values exactly as the talosctl parsers produce them. Mutate the model, then read.
 */
export interface FakeNode {
  node: string;
  id: string;
  name: string;
  learner: boolean;
  raftIndex: number;
  /** the leader this member believes in ('0000000000000000' = none) */
  leader: string;
  dbSizeBytes: number;
  inUseBytes: number;
  errors: string[];
  /**
   * 'up': answers everything; 'etcd-down': apid answers, etcd calls fail (refused on :2379);
   * 'unreachable': every call times out (ambiguous); 'refused': apid refuses every call (node down)
   */
  reach: 'up' | 'etcd-down' | 'unreachable' | 'refused';
  service: { state: ServiceStateName; health: 'OK' | 'Fail' | '?'; message?: string };
  revision: number;
  /** overrides the member list this node prints (default: every member of the cluster) */
  members?: Member[];
  /** replaces one kind of read of this node with a failed answer (an error, garbage, a timeout) */
  fail?: Partial<Record<'members' | 'status' | 'alarms' | 'service' | 'revision' | 'time' | 'volume', FailedRead>>;
  /** the node's clock minus its NTP server's (default 0) */
  clockOffsetMs?: number;
  /** where etcd keeps its data (default: a directory under EPHEMERAL) */
  etcdVolume?: 'directory' | 'partition';
}

export type FailedRead = Extract<Read<never>, { ok: false }>;

/** Failed reads as the engine's reader makes them from real talosctl errors (read-cause.ts). */
export const FAILED = {
  denied: {
    ok: false,
    reason: 'not authorized',
    unreachable: false,
    cause: 'denied',
  },
  noForwarding: { ok: false, reason: 'no request forwarding', unreachable: false, cause: 'denied' },
  certificate: {
    ok: false,
    reason:
      'connection error: desc = "transport: authentication handshake failed: tls: failed to verify certificate: x509: certificate signed by unknown authority"',
    unreachable: false,
    cause: 'certificate',
  },
  worker: {
    ok: false,
    reason: 'etcd status is only available on control plane nodes',
    unreachable: false,
    cause: 'not-control-plane',
  },
  unparsed: {
    ok: false,
    reason: 'output not understood: unknown column "SPARE" in the header of etcd status',
    unreachable: false,
    cause: 'unparsed',
  },
  timeout: { ok: false, reason: 'talosctl timed out', unreachable: true, cause: 'timeout' },
  error: { ok: false, reason: 'talosctl ended with exit code 1', unreachable: false, cause: 'error' },
  nodeDown: {
    ok: false,
    reason:
      'connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.9:50000: connect: connection refused"',
    unreachable: true,
    cause: 'node-unreachable',
  },
  noLeader: { ok: false, reason: 'etcdserver: no leader', unreachable: true, cause: 'no-leader' },
} as const satisfies Record<string, FailedRead>;

export interface FakeCluster {
  nodes: FakeNode[];
  alarms: { member: string; kind: AlarmKind }[];
  revisions: boolean;
  /** addresses that are no member's node (workers, typos): every read of them gets this answer */
  others?: Record<string, FailedRead>;
}

export const IDS = ['6457a4e8ecba5c61', '7d3c4c7e8f9a1b2c', '8e4d5d8f9a0b2c3d'] as const;
export const NODES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'] as const;

/** A healthy 3-node cluster: member 0 leads, everyone at raft index 1000. */
export function healthyCluster(): FakeCluster {
  return {
    nodes: NODES.map((node, i) => ({
      node,
      id: IDS[i] ?? '',
      name: `cp-${i + 1}`,
      learner: false,
      raftIndex: 1000,
      leader: IDS[0],
      dbSizeBytes: 20_000_000,
      inUseBytes: 10_000_000,
      errors: [],
      reach: 'up' as const,
      service: { state: 'Running' as const, health: 'OK' as const },
      revision: 5000,
    })),
    alarms: [],
    revisions: true,
  };
}

export function memberOf(n: FakeNode): Member {
  const started = n.name !== '';
  return {
    node: n.node,
    id: n.id,
    name: n.name,
    peerUrls: [`https://${n.node}:2380`],
    clientUrls: started ? [`https://${n.node}:2379`] : [],
    learner: n.learner,
  };
}

export function node(c: FakeCluster, address: string): FakeNode {
  const n = c.nodes.find((x) => x.node === address);
  if (!n) throw new Error(`no fake node ${address}`);
  return n;
}

const timeout = <T>(n: string): Read<T> => ({
  ok: false,
  reason: `timed out after 10s asking ${n}`,
  unreachable: true,
  cause: 'timeout',
  raw: `cmd:${n}`,
});
const etcdDown = <T>(n: string): Read<T> => ({
  ok: false,
  reason:
    'connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"',
  unreachable: true,
  cause: 'etcd-unreachable',
  raw: `cmd:${n}`,
});

/** The ClusterReader over a model; each answer carries a raw ref `cmd:<kind>:<node>`. */
export function fakeReader(c: FakeCluster): ClusterReader {
  const ask = <T>(address: string, kind: string, etcd: boolean, f: (n: FakeNode) => T): Promise<Read<T>> => {
    const n = c.nodes.find((x) => x.node === address);
    const failed = n?.fail?.[kind as keyof NonNullable<FakeNode['fail']>] ?? (n ? undefined : c.others?.[address]);
    if (failed) return Promise.resolve({ ...failed, raw: `cmd:${kind}:${address}` });
    if (!n || n.reach === 'unreachable') return Promise.resolve(timeout(address));
    if (n.reach === 'refused') return Promise.resolve({ ...FAILED.nodeDown, raw: `cmd:${kind}:${address}` });
    if (etcd && n.reach === 'etcd-down') return Promise.resolve(etcdDown(address));
    return Promise.resolve({ ok: true, value: f(n), raw: `cmd:${kind}:${address}` });
  };
  const reader: ClusterReader = {
    members: (a) =>
      ask(a, 'members', true, (n) => (n.members ?? c.nodes.map(memberOf)).map((m) => ({ ...m, node: n.node }))),
    status: (a) =>
      ask(a, 'status', true, (n): MemberStatus[] => [
        {
          node: n.node,
          member: n.id,
          dbSizeBytes: n.dbSizeBytes,
          inUseBytes: n.inUseBytes,
          inUsePercent: Math.round((n.inUseBytes / n.dbSizeBytes) * 10_000) / 100,
          leader: n.leader,
          raftIndex: n.raftIndex,
          raftTerm: 2,
          raftAppliedIndex: n.raftIndex,
          learner: n.learner,
          protocol: '3.6.4',
          storage: '3.6.0',
          errors: [...n.errors, ...c.alarms.filter((al) => al.member === n.id).map((al) => `alarm:${al.kind}`)],
        },
      ]),
    alarms: (a) => ask(a, 'alarms', true, (n): Alarm[] => c.alarms.map((al) => ({ node: n.node, ...al }))),
    time: (a) =>
      ask(a, 'time', false, (n): NodeTime[] => [
        { node: n.node, server: 'time.cloudflare.com', offsetMs: n.clockOffsetMs ?? 0, nodeTime: '' },
      ]),
    volume: (a) =>
      ask(a, 'volume', false, (n): EtcdVolume[] => {
        const type = n.etcdVolume ?? 'directory';
        return [{ node: n.node, type, phase: 'ready', location: type === 'partition' ? '/dev/sda5' : '' }];
      }),
    service: (a) =>
      ask(a, 'service', false, (n): ServiceState[] => [
        {
          node: n.node,
          id: 'etcd',
          state: n.service.state,
          health: n.service.health,
          lastHealthMessage: n.service.message,
          events: [],
        },
      ]),
  };
  if (c.revisions) reader.revision = (a) => ask(a, 'revision', true, (n) => n.revision);
  return reader;
}
