import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { entriesOutsideMembership, readBoltBuckets } from '../../src/backup/bolt-buckets.js';
import { latestOk, latestVerified } from '../../src/backup/catalog.js';
import { dirTarget } from '../../src/backup/dir-target.js';
import type { BackupRecord, BackupTarget } from '../../src/backup/record.js';
import { runRestoreDrill } from '../../src/backup/restore-drill.js';
import { serviceStates } from '../../src/backup/restore-drill-lab.js';
import {
  gradeRestoreDrill,
  type RestoreDrillReport,
  restoreDrillText,
  snapshotDifferences,
} from '../../src/backup/restore-drill-report.js';
import { makeRecord } from './retention-records.js';
import { FIXTURE, FIXTURE_STATUS } from './snapshots.js';

describe('latestVerified', () => {
  it('is the newest backup whose last verify passed, not the newest ok one', () => {
    const c = [
      makeRecord('2026-12-01T02:00:00Z', 'verified', 1),
      makeRecord('2026-12-02T02:00:00Z', 'reverified', 2),
      makeRecord('2026-12-03T02:00:00Z', 'went-bad', 3),
      makeRecord('2026-12-04T02:00:00Z', 'unverified', 4),
      makeRecord('2026-12-05T02:00:00Z', 'failed', 5),
    ];
    expect(latestOk(c)?.id).toBe(c[3]?.id);
    expect(latestVerified(c)?.id).toBe(c[1]?.id);
    expect(latestVerified(c.slice(2))).toBeUndefined();
  });
});

describe('snapshot against the catalog', () => {
  const want = { hash: '0a1b2c3d', revision: 101, totalKeys: 108 };
  it('names every difference, revision first', () => {
    expect(snapshotDifferences(want, want)).toEqual([]);
    expect(snapshotDifferences({ hash: 'ffffffff', revision: 108, totalKeys: 107 }, want)).toEqual([
      'revision differs: 108, the catalog says 101',
      'key count differs: 107 keys, the catalog says 108',
      'etcd hash differs: ffffffff, the catalog says 0a1b2c3d',
    ]);
  });
  it('an empty catalog hash (an older entry) is not compared', () => {
    expect(snapshotDifferences({ ...want, hash: 'ffffffff' }, { ...want, hash: '' })).toEqual([]);
  });
});

describe('grading', () => {
  const ok = { name: 'revision', ok: true, detail: '' };
  it('refused → 4, all checks → 0, any failed check, no check or not restored → 1', () => {
    expect(gradeRestoreDrill({ refused: { problem: 'x' }, restored: false, checks: [] })).toBe(4);
    expect(gradeRestoreDrill({ refused: null, restored: true, checks: [ok] })).toBe(0);
    expect(gradeRestoreDrill({ refused: null, restored: true, checks: [ok, { ...ok, ok: false }] })).toBe(1);
    expect(gradeRestoreDrill({ refused: null, restored: true, checks: [] })).toBe(1);
    expect(gradeRestoreDrill({ refused: null, restored: false, checks: [ok] })).toBe(1);
  });
});

describe('bucket reader', () => {
  it('counts what etcdctl snapshot status counts, and keeps membership apart', () => {
    const b = readBoltBuckets(FIXTURE);
    const total = [...b.values()].reduce((n, x) => n + x.count, 0);
    expect(total).toBe(FIXTURE_STATUS.totalKeys);
    expect(b.get('key')?.count).toBe(201);
    expect(b.get('members')?.count).toBe(1);
    expect(entriesOutsideMembership(b)).toBe(FIXTURE_STATUS.totalKeys - 1);
    expect(b.get('key')?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('refuses a file that is not a bbolt database', () => {
    expect(() => readBoltBuckets(new URL(import.meta.url).pathname)).toThrow(/not a bbolt database/);
  });
});

describe('service etcd states', () => {
  it('per node, from the block output', () => {
    const out =
      'NODE     127.0.0.41\nID       etcd\nSTATE    Preparing\nHEALTH   ?\nNODE     127.0.0.42\nID       etcd\nSTATE    Running\n';
    expect([...serviceStates(out)]).toEqual([
      ['127.0.0.41', 'Preparing'],
      ['127.0.0.42', 'Running'],
    ]);
  });
});

describe('text report', () => {
  const base: RestoreDrillReport = {
    backup: {
      id: '20261206T020000Z-b13ca220036f',
      cluster: { id: 'c-1', name: 'lab' },
      takenAt: '2026-12-06T02:00:00.000Z',
      object: 'c-1/x.db.gz',
      encrypted: false,
    },
    target: '/backups',
    expected: { hash: '61e789e3', revision: 101, totalKeys: 108 },
    refused: null,
    snapshot: { bytes: 45088, hash: '61e789e3', revision: 101, totalKeys: 108 },
    lab: { dir: '/tmp/d/lab', members: 3, firstAddress: '127.0.0.41', kept: false, leftPids: [] },
    restored: true,
    checks: [{ name: 'revision', ok: true, detail: '101 on all 3 members, as the catalog' }],
    liveKeys: 100,
    times: { openMs: 100, labUpMs: 2000, restoreMs: 12000, checkMs: 1400, totalMs: 15600 },
    exitCode: 0,
  };
  it('the verdict first, then each check and the times', () => {
    const t = restoreDrillText(base);
    expect(t).toContain('━━ RESTORE DRILL backup 20261206T020000Z-b13ca220036f: RESTORED AND VERIFIED');
    expect(t).toContain('      ✔ revision: 101 on all 3 members, as the catalog');
    expect(t).toContain('restore 12.0 s');
    expect(t).toContain('lab             down (/tmp/d/lab)');
  });
  it('a refusal says nothing was restored and no lab was started', () => {
    const t = restoreDrillText({
      ...base,
      refused: { problem: 'sha256-differs', detail: 'sha256 of the stored object differs: …' },
      lab: null,
      checks: [],
      restored: false,
      exitCode: 4,
    });
    expect(t).toContain(': REFUSED (nothing restored)');
    expect(t).toContain('✘ refused      sha256-differs: sha256 of the stored object differs');
    expect(t).toContain('lab             none started');
    expect(t).not.toContain('restored     ');
  });
  it('processes left behind are shouted', () => {
    const lab = { dir: '/tmp/d/lab', members: 3, firstAddress: '127.0.0.41', kept: false, leftPids: [42] };
    const t = restoreDrillText({ ...base, lab, exitCode: 1 });
    expect(t).toContain('LEFT RUNNING: 42');
  });
});

describe('runRestoreDrill refuses before any lab', () => {
  // a backup that cannot be the drill's start is refused (exit 4) with no lab started and its
  // private work dir removed; the drill on a lab is test/integration/backup/
  const drillDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('talos-dr-restore-drill-'));
  const options = (target: BackupTarget, record: BackupRecord) => ({
    target,
    record,
    identities: [],
    members: 1,
    firstAddress: '127.0.0.121',
    keepLab: false,
    signal: new AbortController().signal,
    say: () => {},
  });

  it('a failed run has no snapshot figures to check against', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-rd-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const record = makeRecord('2026-12-01T02:00:00Z', 'failed', 1);
    const before = drillDirs().length;
    const r = await runRestoreDrill(options(dirTarget(dir), record));
    expect(r).toMatchObject({
      refused: {
        problem: 'no-snapshot-figures',
        detail: `the catalog entry of ${record.id} records no snapshot (its run failed)`,
      },
      restored: false,
      checks: [],
      lab: null,
      expected: null,
      exitCode: 4,
    });
    expect(drillDirs().length).toBe(before);
  });

  it("an object that is not in the target: openBackup's problem, word for word", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-rd-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const record = makeRecord('2026-12-01T02:00:00Z', 'verified', 2);
    const before = drillDirs().length;
    const r = await runRestoreDrill(options(dirTarget(dir), record));
    expect(r.refused).toEqual({
      problem: 'object-missing',
      detail: `object missing: ${record.object?.key} is not at ${dir}`,
    });
    expect(r).toMatchObject({ restored: false, lab: null, exitCode: 4, expected: { revision: 102, totalKeys: 42 } });
    expect(drillDirs().length).toBe(before);
  });
});
