import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromTools } from '../engine/snapshot-reader.js';
import { clientUrl, endpointStatus, etcdctl } from '../lab/etcdctl.js';
import { labDown, labUp } from '../lab/lab.js';
import { labPaths } from '../lab/state.js';
import { type BucketSummary, entriesOutsideMembership, readBoltBuckets } from './bolt-buckets.js';
import { openBackup } from './open.js';
import type { BackupRecord, BackupTarget } from './record.js';
import { hashKvCheck, liveKeyCount, processesMentioning, resetAndRecover, waitRestored } from './restore-drill-lab.js';
import {
  backupHead,
  gradeRestoreDrill,
  type RestoreDrillCheck,
  type RestoreDrillReport,
  type SnapshotFigures,
  snapshotDifferences,
} from './restore-drill-report.js';

/**
 * `backup restore-drill`: proof that a backup restores, without touching the cluster. The backup
 * is read back into a private temp file (open.ts: sha256, decrypt, gunzip, trailer) and its
 * `snapshot status` compared with the catalog — any problem refuses the drill before a lab
 * exists. Then a FRESH lab on its own loopback range (127.0.0.41+ by default, away from a
 * trainee's 127.0.0.11+) is restored from it as Talos does (restore-drill-lab.ts), with the lab's
 * periodic compaction paused so the store is not changed under the checks, and graded: revision
 * of every member, entries and `key` bucket content against the backup, hashkv equal on every
 * member. The lab is always torn down (unless kept) and the snapshot deleted.
 */

export const RESTORE_DRILL_FIRST_ADDRESS = '127.0.0.41';
const TWO_GIB = 2 * 1024 ** 3;

export interface RestoreDrillOptions {
  target: BackupTarget;
  record: BackupRecord;
  identities: readonly string[];
  members: number;
  firstAddress: string;
  keepLab: boolean;
  signal: AbortSignal;
  /** progress lines (stderr in the CLI) */
  say: (line: string) => void;
  /** bound on reset + restore + the members becoming voters (default 120 s) */
  restoreTimeoutMs?: number;
}

export async function runRestoreDrill(o: RestoreDrillOptions): Promise<RestoreDrillReport> {
  const t0 = Date.now();
  const want = o.record.snapshot;
  const expected: SnapshotFigures | null = want
    ? { hash: want.etcdHash, revision: want.revision, totalKeys: want.totalKeys }
    : null;
  const base = {
    backup: backupHead(o.record),
    target: o.target.url,
    expected,
  };
  const work = await mkdtemp(join(tmpdir(), 'talos-dr-restore-drill-')); // 0700: the snapshot holds Secrets
  const snapPath = join(work, `${o.record.id}.db`);
  const refuse = async (problem: string, detail: string, snapshot: RestoreDrillReport['snapshot'] = null) => {
    await rm(work, { recursive: true, force: true });
    const r = { refused: { problem, detail }, restored: false, checks: [] };
    return {
      ...base,
      ...r,
      snapshot,
      lab: null,
      liveKeys: null,
      times: { openMs: Date.now() - t0, labUpMs: null, restoreMs: null, checkMs: null, totalMs: Date.now() - t0 },
      exitCode: gradeRestoreDrill(r),
    };
  };
  // a. the backup back to a snapshot file, everything about the stored object checked
  o.say(`restore drill: reading backup ${o.record.id} from ${o.target.url}`);
  if (!expected)
    return refuse(
      'no-snapshot-figures',
      `the catalog entry of ${o.record.id} records no snapshot (its run ${o.record.result})`,
    );
  const opened = await openBackup({
    target: o.target,
    record: o.record,
    identities: o.identities,
    outPath: snapPath,
    signal: o.signal,
  });
  if (!opened.ok) return refuse(opened.problem, opened.detail);
  // b. what etcd's own tool says of the file, against the catalog
  const st = await fromTools({ signal: o.signal }, snapPath);
  if ('error' in st) return refuse('snapshot-unreadable', `snapshot status: ${st.error}`);
  const snapshot = { bytes: opened.bytes, hash: st.hash, revision: st.revision, totalKeys: st.totalKeys };
  const diffs = snapshotDifferences(snapshot, expected);
  if (diffs.length > 0) return refuse('catalog-differs', diffs.join('; '), snapshot);
  let backupBuckets: Map<string, BucketSummary>;
  try {
    backupBuckets = readBoltBuckets(snapPath);
  } catch (e) {
    return refuse('snapshot-unreadable', `its buckets cannot be read: ${(e as Error).message}`, snapshot);
  }
  const openMs = Date.now() - t0;

  // c. a fresh lab of its own
  const dir = join(work, 'lab');
  const ips: string[] = [];
  const checks: RestoreDrillCheck[] = [];
  let restored = false;
  let liveKeys: number | null = null;
  let labUpMs: number | null = null;
  let restoreMs: number | null = null;
  let checkMs: number | null = null;
  let leftPids: number[] = [];
  try {
    o.say(`restore drill: lab of ${o.members} members from ${o.firstAddress} in ${dir}`);
    const tUp = Date.now();
    const up = await labUp({
      dir,
      members: o.members,
      // etcd's default quota (2 GiB), raised for a bigger snapshot so the restore is not NOSPACE at once
      quotaBytes: opened.bytes > TWO_GIB / 2 ? Math.min(8 * 1024 ** 3, opened.bytes * 2) : null,
      seedKeys: 0,
      firstAddress: o.firstAddress,
    });
    labUpMs = Date.now() - tUp;
    // the supervisor's periodic compaction would rewrite the `key` bucket under the checks
    writeFileSync(labPaths(dir).compactionPaused, 'restore-drill\n');
    ips.push(...up.lab.nodes.map((n) => n.ip));

    // d. restore as Talos does
    const tRestore = Date.now();
    const deadline = tRestore + (o.restoreTimeoutMs ?? 120_000);
    o.say('restore drill: reset every node (EPHEMERAL), bootstrap --recover-from on the first');
    const rec = await resetAndRecover(dir, up.lab, snapPath, deadline);
    if (!rec.ok) checks.push({ name: 'restore', ok: false, detail: rec.detail });
    else {
      const ready = await waitRestored(dir, up.lab, deadline);
      restoreMs = Date.now() - tRestore;
      restored = ready.ok;
      checks.push({ name: 'restore', ok: ready.ok, detail: `${ready.detail} in ${(restoreMs / 1000).toFixed(1)} s` });
    }

    // e. against the catalog
    if (restored) {
      const tCheck = Date.now();
      o.say('restore drill: checking revision, keys and content against the catalog');
      checks.push(await revisionCheck(ips, expected.revision));
      checks.push(...(await storeChecks(ips[0] ?? '', join(work, 'restored.db'), backupBuckets, expected)));
      checks.push({ name: 'hashkv', ...(await hashKvCheck(ips, expected.revision)) });
      liveKeys = await liveKeyCount(ips[0] ?? '');
      checkMs = Date.now() - tCheck;
    }
  } catch (e) {
    checks.push({ name: 'lab', ok: false, detail: e instanceof Error ? e.message : String(e) });
  } finally {
    // f. never leave a lab, a snapshot or a process behind
    await rm(snapPath, { force: true });
    await rm(join(work, 'restored.db'), { force: true });
    if (!o.keepLab) {
      await labDown(dir).catch((e: unknown) => o.say(`restore drill: lab down: ${String(e)}`));
      leftPids = processesMentioning(dir);
      if (leftPids.length === 0) await rm(work, { recursive: true, force: true });
    }
  }
  if (leftPids.length > 0)
    checks.push({ name: 'teardown', ok: false, detail: `processes of the lab still alive: ${leftPids.join(', ')}` });
  const graded = { refused: null, restored, checks };
  return {
    ...base,
    ...graded,
    snapshot,
    lab: { dir, members: o.members, firstAddress: o.firstAddress, kept: o.keepLab, leftPids },
    liveKeys,
    times: { openMs, labUpMs, restoreMs, checkMs, totalMs: Date.now() - t0 },
    exitCode: gradeRestoreDrill(graded),
  };
}

/** The header revision of every member equals the catalog's. */
async function revisionCheck(ips: readonly string[], revision: number): Promise<RestoreDrillCheck> {
  const got = await Promise.all(ips.map(async (ip) => ({ ip, st: await endpointStatus(ip, 3) })));
  const bad = got.filter((g) => g.st?.revision !== revision);
  return {
    name: 'revision',
    ok: bad.length === 0,
    detail:
      bad.length === 0
        ? `${revision} on all ${ips.length} members, as the catalog`
        : `the catalog says ${revision}; ${bad.map((g) => `${g.ip} ${g.st ? g.st.revision : 'no answer'}`).join(', ')}`,
  };
}

/**
 * A snapshot of the restored member against the backup, bucket by bucket: the entries outside
 * membership (what `snapshot status` counts, less what the restore itself rewrites: see
 * bolt-buckets.ts) and the `key` bucket's content hash.
 */
async function storeChecks(
  ip: string,
  path: string,
  backup: ReadonlyMap<string, BucketSummary>,
  expected: SnapshotFigures,
): Promise<RestoreDrillCheck[]> {
  const r = await etcdctl([clientUrl(ip)], ['snapshot', 'save', path], { commandTimeoutS: 120 });
  if (r.code !== 0) return [{ name: 'keys', ok: false, detail: `snapshot save of ${ip} failed: ${r.error}` }];
  let after: Map<string, BucketSummary>;
  try {
    after = readBoltBuckets(path);
  } catch (e) {
    return [{ name: 'keys', ok: false, detail: `the restored snapshot cannot be read: ${(e as Error).message}` }];
  }
  const wantN = entriesOutsideMembership(backup);
  const gotN = entriesOutsideMembership(after);
  const membership = expected.totalKeys - wantN;
  const total = [...after.values()].reduce((n, b) => n + b.count, 0);
  const bKey = backup.get('key');
  const aKey = after.get('key');
  return [
    {
      name: 'keys',
      ok: gotN === wantN,
      detail: `${gotN} entries outside membership on ${ip}, the backup ${wantN} (catalog ${expected.totalKeys} keys = ${wantN} + ${membership} membership entries; restored snapshot status ${total} with the new members)`,
    },
    {
      name: 'content',
      ok: bKey !== undefined && aKey !== undefined && aKey.sha256 === bKey.sha256 && aKey.count === bKey.count,
      detail: `key bucket (MVCC store) on ${ip}: ${aKey?.count ?? 0} revisions sha256 ${aKey?.sha256.slice(0, 16) ?? '-'}…, the backup ${bKey?.count ?? 0} sha256 ${bKey?.sha256.slice(0, 16) ?? '-'}…`,
    },
  ];
}
