import { describe, expect, it } from 'vitest';
import { type Catalog, latestVerified, readCatalog } from '../../src/backup/catalog.js';
import type { BackupRecord } from '../../src/backup/record.js';
import { backupList, backupVerify, chooseBackups } from '../../src/cli/backup-read.js';
import { isTalosDrError, type TalosDrError } from '../../src/io/errors.js';
import { store, tempTarget } from '../backup/maintenance-cli.js';
import { makeRecord } from '../backup/retention-records.js';
import { captureContext } from '../helpers/cli-in-process.js';

/** `backup list` and `backup verify` over a directory target: which backups, what is printed, the exit code. */

const catalog = (records: BackupRecord[], problems: Catalog['problems'] = []): Catalog =>
  Object.assign([...records], { problems });
const URL = 's3://b/p';

async function refusal(f: () => unknown): Promise<TalosDrError> {
  try {
    await f();
  } catch (e) {
    if (isTalosDrError(e)) return e;
    throw e;
  }
  throw new Error('accepted, expected a refusal');
}

const a1 = makeRecord('2026-12-01T00:00:00.000Z', 'verified', 1, 'c-a');
const a2 = makeRecord('2026-12-02T00:00:00.000Z', 'unverified', 2, 'c-a');
const a3 = makeRecord('2026-12-03T00:00:00.000Z', 'failed', 3, 'c-a');
const b1 = makeRecord('2026-12-01T00:00:00.000Z', 'verified', 4, 'c-b');

describe('chooseBackups', () => {
  it('gives every backup with --all, whatever was named', () => {
    expect(chooseBackups(catalog([a1, a3, b1]), 'latest', true, URL)).toEqual([a1, a3, b1]);
  });

  it('means by latest the newest ok backup by default, a failed run skipped', () => {
    expect(chooseBackups(catalog([a1, a2, a3]), 'latest', false, URL)).toEqual([a2]);
  });

  it('lets the caller pick what latest means (restore-drill: the newest verified)', () => {
    expect(chooseBackups(catalog([a1, a2, a3]), 'latest', false, URL, latestVerified)).toEqual([a1]);
  });

  it('refuses latest over two clusters, naming them', async () => {
    const e = await refusal(() => chooseBackups(catalog([a1, b1]), 'latest', false, URL));
    expect(e.code).toBe('TDR_BACKUP_CLUSTER_AMBIGUOUS');
    expect(e.message).toBe('the catalog at s3://b/p holds backups of 2 clusters: c-a, c-b');
  });

  it('refuses latest when there is none: an empty catalog, or only failed runs', async () => {
    expect((await refusal(() => chooseBackups(catalog([]), 'latest', false, URL))).code).toBe('TDR_BACKUP_NOT_FOUND');
    const e = await refusal(() => chooseBackups(catalog([a3]), 'latest', false, URL));
    expect([e.code, e.message]).toEqual(['TDR_BACKUP_NOT_FOUND', 'no backup "latest" in the catalog at s3://b/p']);
  });

  it('finds an id, refuses an unknown one and one held by two clusters', async () => {
    expect(chooseBackups(catalog([a1, a2]), a2.id, false, URL)).toEqual([a2]);
    expect((await refusal(() => chooseBackups(catalog([a1]), 'x', false, URL))).code).toBe('TDR_BACKUP_NOT_FOUND');
    const twin = { ...b1, id: a1.id };
    const e = await refusal(() => chooseBackups(catalog([a1, twin]), a1.id, false, URL));
    expect([e.code, e.message]).toEqual([
      'TDR_BACKUP_CLUSTER_AMBIGUOUS',
      'the catalog at s3://b/p holds backups of 2 clusters: c-a, c-b',
    ]);
  });
});

describe('backupList', () => {
  it('prints the table; a failed run has dashes, an encrypted one says age and how many recipients', async () => {
    const { dir, target } = tempTarget();
    const enc = makeRecord('2026-12-04T00:00:00.123Z', 'unverified', 5, 'c-a');
    const encrypted = { ...enc, object: enc.object && { ...enc.object, recipients: ['age1x', 'age1y'] } };
    await store(target, [a1, a3, encrypted]);
    const c = captureContext();
    expect(await backupList({ target: dir }, c.ctx)).toBe(0);
    const rows = c
      .out()
      .trimEnd()
      .split('\n')
      .map((l) => l.split(/\s{2,}/));
    expect(rows[0]).toEqual(['ID', 'TIME', 'RESULT', 'VERIFIED', 'SIZE', 'REVISION', 'KEYS', 'ENCRYPTED']);
    expect(rows.slice(1)).toEqual([
      [a1.id, '2026-12-01T00:00:00Z', 'ok', 'yes 2026-12-01', '1.0 MB → 4.0 kB', '101', '42', 'no'],
      [a3.id, '2026-12-03T00:00:00Z', 'failed', '-', '-', '-', '-', '-'],
      [encrypted.id, '2026-12-04T00:00:00Z', 'ok', '-', '1.0 MB → 4.0 kB', '105', '42', 'age (2)'],
    ]);
    expect(c.err()).toBe('');
  });

  it('adds a CLUSTER column only when the catalog holds more than one cluster', async () => {
    const { dir, target } = tempTarget();
    await store(target, [a1, b1]);
    const c = captureContext();
    await backupList({ target: dir }, c.ctx);
    expect(c.out().split('\n')[0]?.split(/\s+/).at(-1)).toBe('CLUSTER');
    const one = captureContext();
    await backupList({ target: dir, cluster: 'c-b' }, one.ctx);
    expect(one.out()).not.toContain('CLUSTER');
    expect(one.out()).toContain(b1.id);
    expect(one.out()).not.toContain(a1.id);
  });

  it('says on stderr that there are none (exit 0), naming the cluster asked for', async () => {
    const { dir } = tempTarget();
    const c = captureContext();
    expect(await backupList({ target: dir, cluster: 'c-z' }, c.ctx)).toBe(0);
    expect(c.err()).toBe(`no backups at ${dir} for cluster c-z\n`);
  });

  it('--json gives the target, the entries and the problems', async () => {
    const { dir, target } = tempTarget();
    await store(target, [a1]);
    const c = captureContext();
    await backupList({ target: dir, json: true }, c.ctx);
    expect(JSON.parse(c.out())).toEqual({ target: dir, backups: [JSON.parse(JSON.stringify(a1))], problems: [] });
  });
});

describe('backupVerify', () => {
  it('refuses an id together with --all', async () => {
    const c = captureContext();
    const e = await refusal(() => backupVerify('latest', { all: true, target: '/nowhere' }, c.ctx));
    expect([e.code, e.message]).toEqual([
      'TDR_USAGE',
      'backup verify: give <id>, latest, or --all, not both latest and --all',
    ]);
  });

  it('refuses an encrypted backup without --identity, before reading any object', async () => {
    const { dir, target } = tempTarget();
    const encrypted = { ...a1, object: a1.object && { ...a1.object, recipients: ['age1x'] } };
    await store(target, [encrypted]);
    const e = await refusal(() => backupVerify(undefined, { target: dir }, captureContext().ctx));
    expect(e.code).toBe('TDR_BACKUP_IDENTITY_NEEDED');
  });

  it('fails (exit 1) a stored object whose bytes are not what the catalog says, and records that', async () => {
    const { dir, target } = tempTarget();
    await store(target, [a1]); // store() writes `object of <id>`: not the size or sha256 recorded
    const c = captureContext();
    expect(await backupVerify(a1.id, { target: dir }, c.ctx)).toBe(1);
    expect(c.out()).toMatch(new RegExp(`^backup ${a1.id} FAILED verify: `));
    const [after] = await readCatalog(target);
    expect(after?.verifications.at(-1)?.ok).toBe(false);
    expect(after?.verifications).toHaveLength(a1.verifications.length + 1);
  });

  it('counts a failed run as bad when named, and passes it over with --all', async () => {
    const { dir, target } = tempTarget();
    await store(target, [a3]);
    const named = captureContext();
    expect(await backupVerify(a3.id, { target: dir }, named.ctx)).toBe(1);
    expect(named.out()).toBe(`backup ${a3.id} is a failed run (snapshot failed): nothing stored to verify\n`);
    const all = captureContext();
    expect(await backupVerify(undefined, { target: dir, all: true }, all.ctx)).toBe(0);
  });

  it('warns about an unreadable catalog entry and goes on', async () => {
    const { dir, target } = tempTarget();
    await store(target, [a3]);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`${dir}/${a3.log?.replace(/[^/]+$/, '')}broken.json`, '{not json');
    const c = captureContext();
    await backupVerify(a3.id, { target: dir }, c.ctx);
    expect(c.err()).toMatch(/^warning: unreadable catalog entry .*broken\.json: /);
  });
});
