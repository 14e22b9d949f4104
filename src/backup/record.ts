import type { Readable } from 'node:stream';

/**
 * The one record model of backups: what a catalog entry says about one backup run, and the port
 * every storage target implements. Retention, list, verify, status and restore all read these
 * records and nothing else; the stored object is named by the record, never guessed.
 */

/** How a run ended: `ok` once the object is stored and its entry written; `failed` otherwise. */
export type BackupResult = 'ok' | 'failed';

/** One `backup verify` of a stored object (the newest is last). */
export interface BackupVerification {
  /** ISO 8601 UTC */
  readonly at: string;
  readonly ok: boolean;
  /** what was wrong, in words (`sha256 of the stored object differs: …`), or 'ok' */
  readonly detail: string;
}

export interface BackupRecord {
  /** record format, bumped on an incompatible change */
  readonly format: 1;
  /** `<UTC yyyymmddThhmmssZ>-<first 12 hex of the snapshot's sha256>`; ids sort by time */
  readonly id: string;
  /** the cluster id Talos reports (`talosctl get info`), the catalog's first key */
  readonly cluster: { readonly id: string; readonly name: string };
  /** ISO 8601 UTC of the snapshot */
  readonly takenAt: string;
  readonly result: BackupResult;
  /** why a failed run failed (the runbook's outcome or the pipeline's error) */
  readonly failure?: string;
  readonly source?: { readonly node: string; readonly talosVersion: string; readonly etcdVersion: string };
  /** the etcd snapshot itself, as `etcd snapshot` / `snapshot status` reported it */
  readonly snapshot?: {
    readonly bytes: number;
    readonly sha256: string;
    /** etcd's own hash, 8 hex digits */
    readonly etcdHash: string;
    readonly revision: number;
    readonly totalKeys: number;
  };
  /** the stored object: its key under the target, its size and sha256, how it was transformed */
  readonly object?: {
    readonly key: string;
    readonly bytes: number;
    readonly sha256: string;
    readonly compression: 'gzip';
    /** age X25519 recipients (age1…); empty when not encrypted */
    readonly recipients: readonly string[];
  };
  /** the run's execution log, stored beside the object (key under the target) */
  readonly log?: string;
  readonly verifications: readonly BackupVerification[];
}

/** A backup counts as verified when its newest verification passed (a `backup run` verifies once). */
export function lastVerification(r: BackupRecord): BackupVerification | undefined {
  return r.verifications.at(-1);
}

export function isVerified(r: BackupRecord): boolean {
  return r.result === 'ok' && lastVerification(r)?.ok === true;
}

/**
 * A storage target: a directory (local or NFS) or an S3 bucket prefix. Keys are relative,
 * `/`-separated. Bodies are streamed both ways: nothing holds a whole snapshot in memory.
 */
export interface BackupTarget {
  /** as the user typed it (`/backups/etcd`, `s3://bucket/prefix`), for messages */
  readonly url: string;
  /** writes the object so that a reader never sees a partial one (temp + rename, or multipart) */
  put(key: string, body: Readable): Promise<{ bytes: number }>;
  get(key: string): Promise<Readable>;
  /** keys under a prefix, sorted */
  list(prefix: string): Promise<string[]>;
  /** removing a missing key is not an error */
  delete(key: string): Promise<void>;
}
