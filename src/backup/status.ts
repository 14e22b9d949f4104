import { makeError } from '../io/errors.js';
import { type BackupRecord, isVerified } from './record.js';
import { newestFirst } from './retention.js';

/**
 * `backup status`: per cluster, how old the newest verified backup is, how the newest run ended
 * and what the last verify said — pure over catalog records and a clock reading, so the text,
 * JSON and Prometheus views (status-format.ts) show the same facts and tests need no clock.
 */

export interface ClusterStatus {
  readonly cluster: { readonly id: string; readonly name: string };
  /** the newest backup whose newest verify passed */
  readonly newestVerified:
    | {
        readonly id: string;
        readonly takenAt: string;
        readonly ageSeconds: number;
        /** the stored object (compressed, maybe encrypted) */
        readonly objectBytes: number;
        readonly snapshotBytes: number;
        readonly revision: number;
        readonly totalKeys: number;
      }
    | undefined;
  /** the newest catalog entry by time, whatever its result */
  readonly newestRun:
    | { readonly id: string; readonly takenAt: string; readonly result: 'ok' | 'failed'; readonly failure?: string }
    | undefined;
  /** the newest verify of any backup of the cluster */
  readonly lastVerify:
    | { readonly id: string; readonly at: string; readonly ok: boolean; readonly detail: string }
    | undefined;
  readonly backups: { readonly verified: number; readonly unverified: number; readonly failed: number };
  /** why this cluster fails `status` (no verified backup, older than --max-age), else undefined */
  readonly problem: string | undefined;
}

const UNITS = { d: 86_400, h: 3_600, m: 60, s: 1 } as const;

/** `26h`, `1d12h`, `90m`, `3600s` → seconds; the flag and the value named when it is not one. */
export function parseMaxAge(value: string, flag = '--max-age'): number {
  const v = value.trim();
  const parts = [...v.matchAll(/(\d+)([dhms])/g)];
  if (v === '' || parts.map((m) => m[0]).join('') !== v)
    throw makeError('TDR_BAD_PARAM', { flag, value, reason: 'not a duration; write e.g. 26h, 1d12h, 90m or 3600s' });
  const seconds = parts.reduce((s, m) => s + Number(m[1]) * UNITS[m[2] as keyof typeof UNITS], 0);
  if (seconds === 0) throw makeError('TDR_BAD_PARAM', { flag, value, reason: 'must be longer than 0s' });
  return seconds;
}

/** `27h 5m`, `3d 4h`, `42s`: an age as a person reads it (two units at most). */
export function formatAge(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  const s = Math.max(0, Math.floor(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  if (d > 0) return h > 0 ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

/** One cluster's status from its records (any order). */
export function clusterStatus(records: readonly BackupRecord[], now: Date, maxAgeSeconds?: number): ClusterStatus {
  const sorted = newestFirst(records.filter((r) => !Number.isNaN(Date.parse(r.takenAt))));
  const first = sorted[0] ?? records[0];
  const cluster = first ? first.cluster : { id: '', name: '' };
  const nv = sorted.find(isVerified);
  const age = (at: string) => (now.getTime() - Date.parse(at)) / 1000;
  const newestVerified =
    nv === undefined
      ? undefined
      : {
          id: nv.id,
          takenAt: nv.takenAt,
          ageSeconds: age(nv.takenAt),
          objectBytes: nv.object?.bytes ?? 0,
          snapshotBytes: nv.snapshot?.bytes ?? 0,
          revision: nv.snapshot?.revision ?? 0,
          totalKeys: nv.snapshot?.totalKeys ?? 0,
        };
  const run = sorted[0];
  const verifies = records
    .flatMap((r) => r.verifications.map((v) => ({ id: r.id, ...v })))
    .filter((v) => !Number.isNaN(Date.parse(v.at)))
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || (a.id < b.id ? 1 : -1));
  const verified = records.filter(isVerified).length;
  const failed = records.filter((r) => r.result === 'failed').length;
  let problem: string | undefined;
  if (newestVerified === undefined) problem = 'no verified backup';
  else if (maxAgeSeconds !== undefined && newestVerified.ageSeconds > maxAgeSeconds)
    problem = `the newest verified backup ${newestVerified.id} is ${formatAge(newestVerified.ageSeconds)} old, past --max-age ${formatAge(maxAgeSeconds)}`;
  return {
    cluster: { id: cluster.id, name: cluster.name },
    newestVerified,
    newestRun:
      run === undefined
        ? undefined
        : {
            id: run.id,
            takenAt: run.takenAt,
            result: run.result,
            ...(run.failure === undefined ? {} : { failure: run.failure }),
          },
    lastVerify: verifies[0],
    backups: { verified, unverified: records.length - verified - failed, failed },
    problem,
  };
}

/** Every cluster of a catalog (or only `clusterId`), sorted by cluster id. */
export function backupStatus(
  records: readonly BackupRecord[],
  now: Date,
  o: { maxAgeSeconds?: number; clusterId?: string } = {},
): ClusterStatus[] {
  const byCluster = new Map<string, BackupRecord[]>();
  for (const r of records) byCluster.set(r.cluster.id, [...(byCluster.get(r.cluster.id) ?? []), r]);
  if (o.clusterId !== undefined && !byCluster.has(o.clusterId)) byCluster.set(o.clusterId, []);
  return [...byCluster.entries()]
    .filter(([id]) => o.clusterId === undefined || id === o.clusterId)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, rs]) => {
      const s = clusterStatus(rs, now, o.maxAgeSeconds);
      return rs.length > 0 ? s : { ...s, cluster: { id, name: '' } };
    });
}
