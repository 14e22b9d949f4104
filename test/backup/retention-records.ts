import { logKey, objectKey } from '../../src/backup/catalog.js';
import type { BackupRecord, BackupVerification } from '../../src/backup/record.js';

/** What a history entry is, for the retention tests: how its run ended and what verify said. */
export type Kind = 'failed' | 'unverified' | 'verified' | 'verify-failed' | 'reverified' | 'went-bad';

const VERIFICATIONS: Record<Kind, readonly boolean[]> = {
  failed: [],
  unverified: [],
  verified: [true],
  'verify-failed': [false],
  reverified: [false, true],
  'went-bad': [true, false],
};

/** A catalog record at `takenAt` (ISO) of the given kind; `n` makes the id unique. */
export function makeRecord(takenAt: string, kind: Kind, n = 0, cluster = 'c-1'): BackupRecord {
  const compact = takenAt.replace(/[-:]/g, '').replace(/\.\d+/, '');
  const hash = n.toString(16).padStart(12, '0');
  const verifications: BackupVerification[] = VERIFICATIONS[kind].map((ok, i) => ({
    at: new Date(Date.parse(takenAt) + (i + 1) * 60_000).toISOString(),
    ok,
    detail: ok ? 'ok' : 'sha256 of the stored object differs',
  }));
  return {
    format: 1,
    id: `${compact}-${hash}`,
    cluster: { id: cluster, name: 'lab' },
    takenAt,
    result: kind === 'failed' ? 'failed' : 'ok',
    ...(kind === 'failed' ? { failure: 'snapshot failed' } : {}),
    ...(kind === 'failed'
      ? {}
      : {
          snapshot: {
            bytes: 1_000_032 + n,
            sha256: hash.padEnd(64, '0'),
            etcdHash: '0a1b2c3d',
            revision: 100 + n,
            totalKeys: 42,
          },
          object: {
            key: objectKey(cluster, `${compact}-${hash}`, false),
            bytes: 4_000 + n,
            sha256: hash.padEnd(64, 'f'),
            compression: 'gzip' as const,
            recipients: [],
          },
        }),
    log: logKey(cluster, `${compact}-${hash}`),
    verifications,
  };
}
