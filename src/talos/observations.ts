/**
 * Typed facts read from talosctl output. Parsers (src/talos/parse/) produce them; checks
 * (src/checks/) consume them. Member ids are always 16 lowercase hex digits, as talosctl prints.
 */

/** 16 lowercase hex digits, zero-padded: talosctl's `%016x`. */
export type MemberId = string;

/** A row of `talosctl etcd members`: one member as one node's etcd sees it. */
export interface Member {
  /** the node that answered (the `-n` value as typed) */
  node: string;
  id: MemberId;
  /** empty for a member that was added but has not started */
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  learner: boolean;
}

/** A row of `talosctl etcd status`. */
export interface MemberStatus {
  node: string;
  member: MemberId;
  /** humanized SI sizes converted back to bytes: approximate (±0.5 of the last printed digit) */
  dbSizeBytes: number;
  inUseBytes: number;
  /** the printed percentage of IN USE, e.g. 29.08 */
  inUsePercent: number;
  /** `0000000000000000` when the member knows no leader */
  leader: MemberId;
  raftIndex: number;
  raftTerm: number;
  /** absent in talosctl before the RAFT APPLIED INDEX column existed */
  raftAppliedIndex: number | undefined;
  learner: boolean;
  /** etcd server version; undefined before talosctl v1.11 (no PROTOCOL column) */
  protocol: string | undefined;
  /** storage version; undefined before v1.11 or when blank */
  storage: string | undefined;
  /** etcd status errors (alarms appear here), split on ", " */
  errors: string[];
}

export type AlarmKind = 'NONE' | 'NOSPACE' | 'CORRUPT';

/** A row of `talosctl etcd alarm list` (or of `alarm disarm`, which lists what it cleared). */
export interface Alarm {
  node: string;
  member: MemberId;
  kind: AlarmKind;
}

/** What `talosctl etcd snapshot <path>` reported. */
export interface SnapshotInfo {
  path: string;
  bytes: number;
  /** CRC32-C "hash" of etcdutl, 8 hex digits */
  hash: string;
  revision: number;
  totalKeys: number;
  totalSize: number;
  /** false when talosctl exited non-zero: the file may exist but must not be used */
  trusted: boolean;
  /**
   * false when talosctl saved the file but died before printing `snapshot info:`; then hash is ''
   * and revision/totalKeys/totalSize are 0 and mean nothing. Absent means true.
   */
  infoPrinted?: boolean;
}

export type ServiceStateName =
  | 'Initialized'
  | 'Starting'
  | 'Preparing'
  | 'Waiting'
  | 'Running'
  | 'Stopping'
  | 'Finished'
  | 'Failed'
  | 'Skipped'
  | 'Unknown';

export interface ServiceEvent {
  state: string;
  message: string;
  /** the "(17s ago)" part as printed */
  ago: string;
}

/** A block of `talosctl service etcd`. */
export interface ServiceState {
  node: string;
  id: string;
  state: ServiceStateName;
  health: 'OK' | 'Fail' | '?';
  lastHealthMessage: string | undefined;
  /** newest first, as printed */
  events: ServiceEvent[];
}

/** The `recovering from snapshot "<p>": hash …` line printed by `bootstrap --recover-from`. */
export interface RecoveryInfo {
  path: string;
  hash: string;
  revision: number;
  totalKeys: number;
  totalSize: number;
}

/** A row of `talosctl time`: the node's clock next to its NTP server's, read at one moment. */
export interface NodeTime {
  node: string;
  server: string;
  /** the node's clock minus the NTP server's, in milliseconds (sub-ms kept) */
  offsetMs: number;
  /** the node time as printed */
  nodeTime: string;
}

/** Where a node keeps etcd's data: `talosctl get volumestatus ETCD -o json` (Talos ≥ 1.12). */
export interface EtcdVolume {
  node: string;
  /** partition (a dedicated ETCD volume, v1.14+), directory (under EPHEMERAL), or another type */
  type: string;
  phase: string;
  /** the block device of a partition, e.g. /dev/sda5; empty for a directory */
  location: string;
}
