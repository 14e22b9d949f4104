import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterDir, entryKey, readCatalog } from '../../src/backup/catalog.js';
import { parseKeepPolicy } from '../../src/backup/keep-policy.js';
import { applyRetention, pruneSummary } from '../../src/backup/prune.js';
import type { BackupRecord, BackupTarget } from '../../src/backup/record.js';
import { backupCli, store, tempTarget } from './maintenance-cli.js';
import { type Kind, makeRecord } from './retention-records.js';

/** `backup prune` on a directory target: what it shows, what it removes, what it never removes. */

const days = (kinds: Kind[], cluster = 'c-1'): BackupRecord[] =>
  kinds.map((k, i) => makeRecord(new Date(Date.UTC(2026, 2, 1 + i, 2)).toISOString(), k, i, cluster));

const ids = async (t: BackupTarget) => (await readCatalog(t)).map((r) => r.id);

describe('backup prune', () => {
  it('--dry-run shows every backup, the decision and why, and removes nothing', async () => {
    const { dir, target } = tempTarget();
    await store(target, days(['verified', 'verified', 'failed', 'verified', 'unverified']));
    const before = await ids(target);
    const r = await backupCli(['backup', 'prune', '--dry-run', '--keep', 'last=2', '--target', dir]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      [
        'cluster c-1: --keep last=2 (dry run: nothing removed)',
        'ID                              TIME                       RESULT   VERIFIED               DECISION       WHY',
        '20260305T020000Z-000000000004   2026-03-05T02:00:00.000Z   ok       never                  keep           not verified (never verified), not older than the oldest kept 20260302T020000Z-000000000001',
        '20260304T020000Z-000000000003   2026-03-04T02:00:00.000Z   ok       ok 2026-03-04T02:01Z   keep           newest verified, last 1/2',
        '20260303T020000Z-000000000002   2026-03-03T02:00:00.000Z   failed   -                      would remove   failed run, older than the newest verified backup 20260304T020000Z-000000000003',
        '20260302T020000Z-000000000001   2026-03-02T02:00:00.000Z   ok       ok 2026-03-02T02:01Z   keep           last 2/2',
        '20260301T020000Z-000000000000   2026-03-01T02:00:00.000Z   ok       ok 2026-03-01T02:01Z   would remove   not in policy (last slots full)',
        'retention last=2 on c-1: kept 3, would remove 2',
        '',
      ].join('\n'),
    );
    expect(await ids(target)).toEqual(before);
  });

  it('removes object, log and entry of each backup the policy drops, and nothing else', async () => {
    const { dir, target } = tempTarget();
    const records = days(['verified', 'verified', 'failed', 'verified']);
    await store(target, records);
    const r = await backupCli(['backup', 'prune', '--keep-last', '2', '--target', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('retention last=2 on c-1: kept 2, removed 2\n');
    expect(r.stdout).toMatch(/20260301T020000Z-000000000000 .* removed +not in policy/);
    expect(await ids(target)).toEqual([records[1]?.id, records[3]?.id]);
    for (const gone of [records[0], records[2]]) {
      expect(existsSync(join(dir, entryKey('c-1', gone?.id ?? '')))).toBe(false);
      expect(existsSync(join(dir, gone?.log ?? ''))).toBe(false);
    }
    expect(existsSync(join(dir, records[0]?.object?.key ?? ''))).toBe(false);
    expect(existsSync(join(dir, records[1]?.object?.key ?? ''))).toBe(true);
  });

  it('removes nothing when the newest run failed', async () => {
    const { dir, target } = tempTarget();
    await store(target, days(['verified', 'verified', 'verified', 'failed']));
    const r = await backupCli(['backup', 'prune', '--keep', 'last=1', '--target', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'retention last=1 on c-1: kept 4, removed 0; nothing removed: the newest run (20260304T020000Z-000000000003) failed; nothing is removed until one succeeds',
    );
    expect(await ids(target)).toHaveLength(4);
  });

  it('removes nothing from a cluster with an entry it cannot read', async () => {
    const { dir, target } = tempTarget();
    await store(target, days(['verified', 'verified', 'verified']));
    writeFileSync(join(dir, 'c-1', '20260310T020000Z-aaaaaaaaaaaa.json'), '{"format":1,');
    const r = await backupCli(['backup', 'prune', '--keep', 'last=1', '--target', dir]);
    expect(r.stdout).toContain('  unreadable entry c-1/20260310T020000Z-aaaaaaaaaaaa.json: not JSON');
    expect(r.stdout).toMatch(/kept 3, removed 0; nothing removed: the entry c-1\/20260310T020000Z-aaaaaaaaaaaa.json/);
    expect(await ids(target)).toHaveLength(3);
  });

  it('never deletes a key that is not the backup’s own, whatever its entry says', async () => {
    const { dir, target } = tempTarget();
    const [a, b, c] = days(['verified', 'verified', 'verified']) as [BackupRecord, BackupRecord, BackupRecord];
    const forged = { ...a, object: { ...(a.object as NonNullable<BackupRecord['object']>), key: c.object?.key ?? '' } };
    await store(target, [b, c]);
    await store(target, [{ ...forged }]);
    const r = await backupCli(['backup', 'prune', '--keep', 'last=1', '--target', dir]);
    expect(r.stdout).toMatch(new RegExp(`keep +its entry names ${c.object?.key}, not a key of its own`));
    expect(existsSync(join(dir, c.object?.key ?? ''))).toBe(true);
    expect(await ids(target)).toEqual([a.id, c.id]);
  });

  it('applies the policy to each cluster on its own (or to --cluster only)', async () => {
    const { dir, target } = tempTarget();
    await store(target, [...days(['verified', 'verified'], 'c-1'), ...days(['verified', 'verified'], 'c/2 "x"')]);
    const one = await backupCli(['backup', 'prune', '--keep', 'last=1', '--cluster', 'c/2 "x"'], {
      env: { TALOS_DR_BACKUP_TARGET: dir },
    });
    expect(one.stdout).toContain('retention last=1 on c/2 "x": kept 1, removed 1');
    expect(one.stdout).not.toContain('c-1');
    const all = await backupCli(['backup', 'prune', '--keep', 'last=1', '--json'], {
      env: { TALOS_DR_BACKUP_TARGET: dir },
    });
    const outcomes = JSON.parse(all.stdout) as { cluster: string; removed: string[] }[];
    expect(outcomes.map((o) => [o.cluster, o.removed.length])).toEqual([
      ['c-1', 1],
      ['c/2 "x"', 0],
    ]);
    expect(existsSync(join(dir, clusterDir('c/2 "x"')))).toBe(true);
  });

  it('refuses a missing or bad policy and a missing target, naming the flag (exit 2)', async () => {
    const { dir } = tempTarget();
    expect(await backupCli(['backup', 'prune', '--target', dir])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('backup prune needs a policy: --keep last=N,daily=N'),
    });
    expect(await backupCli(['backup', 'prune', '--keep', 'daily=7,weekly=four', '--target', dir])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'TDR_BACKUP_KEEP --keep "daily=7,weekly=four": "weekly=four": "four" is not a whole number',
      ),
    });
    expect(await backupCli(['backup', 'prune', '--keep', 'last=1'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('TDR_BACKUP_TARGET_MISSING'),
    });
  });

  it('stops at a removal that fails, says which, and exits with its code', async () => {
    const { target } = tempTarget();
    await store(target, days(['verified', 'verified', 'verified', 'verified']));
    let deletes = 0;
    const failing: BackupTarget = {
      ...target,
      delete: async (key) => {
        if (++deletes > 3) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        await target.delete(key);
      },
    };
    const o = await applyRetention(failing, 'c-1', parseKeepPolicy('last=1'), { dryRun: false });
    expect(o.removed).toEqual(['20260301T020000Z-000000000000']);
    expect(o.failed?.id).toBe('20260302T020000Z-000000000001');
    expect(pruneSummary(o)).toBe(
      'retention last=1 on c-1: kept 1, removed 1; removing 20260302T020000Z-000000000001 failed, 1 not tried',
    );
    expect(await ids(target)).toHaveLength(3);
  });
});
