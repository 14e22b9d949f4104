import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalog } from '../../src/backup/catalog.js';
import { backupPrune, backupStatusCommand } from '../../src/cli/backup-maintenance-command.js';
import { isTalosDrError, type TalosDrError } from '../../src/io/errors.js';
import { store, tempTarget } from '../backup/maintenance-cli.js';
import { makeRecord } from '../backup/retention-records.js';
import { captureContext } from '../helpers/cli-in-process.js';

/** `backup prune` and `backup status` as commands: their refusals, what they print where, the exit code. */

async function refusal(f: () => unknown): Promise<TalosDrError> {
  try {
    await f();
  } catch (e) {
    if (isTalosDrError(e)) return e;
    throw e;
  }
  throw new Error('accepted, expected a refusal');
}

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString();

describe('backupPrune', () => {
  it('refuses to prune without a policy', async () => {
    const e = await refusal(() => backupPrune({ target: '/nowhere' }, captureContext().ctx));
    expect(e.code).toBe('TDR_USAGE');
    expect(e.message).toBe(
      'backup prune needs a policy: --keep last=N,daily=N,weekly=N,monthly=N (or --keep-daily N …)',
    );
  });

  it('says the catalog is empty, exit 0', async () => {
    const { dir } = tempTarget();
    const c = captureContext();
    expect(await backupPrune({ target: dir, keep: 'last=1' }, c.ctx)).toBe(0);
    expect(c.out()).toBe(`no backups in the catalog at ${dir}\n`);
  });

  it('prunes each cluster on its own: last=1 keeps the newest verified of each', async () => {
    const { dir, target } = tempTarget();
    const a = [1, 2, 3].map((d, i) => makeRecord(`2026-12-0${d}T00:00:00.000Z`, 'verified', i, 'c-a'));
    const b = [1, 2].map((d, i) => makeRecord(`2026-12-0${d}T00:00:00.000Z`, 'verified', 10 + i, 'c-b'));
    await store(target, [...a, ...b]);
    const c = captureContext();
    expect(await backupPrune({ target: dir, keep: 'last=1', json: true }, c.ctx)).toBe(0);
    const view = JSON.parse(c.out()) as { cluster: string; removed: string[]; dryRun: boolean }[];
    expect(view.map((o) => [o.cluster, [...o.removed].sort(), o.dryRun])).toEqual([
      ['c-a', [a[0]?.id, a[1]?.id].sort(), false],
      ['c-b', [b[0]?.id], false],
    ]);
    expect((await readCatalog(target)).map((r) => r.id).sort()).toEqual([a[2]?.id, b[1]?.id].sort());
  });

  it('--dry-run decides the same and removes nothing; --cluster limits it to one cluster', async () => {
    const { dir, target } = tempTarget();
    const a = [1, 2].map((d, i) => makeRecord(`2026-12-0${d}T00:00:00.000Z`, 'verified', i, 'c-a'));
    const b = [1, 2].map((d, i) => makeRecord(`2026-12-0${d}T00:00:00.000Z`, 'verified', 10 + i, 'c-b'));
    await store(target, [...a, ...b]);
    const c = captureContext();
    await backupPrune({ target: dir, keepLast: '1', dryRun: true, cluster: 'c-b', json: true }, c.ctx);
    const view = JSON.parse(c.out()) as {
      cluster: string;
      dryRun: boolean;
      decisions: { id: string; keep: boolean }[];
    }[];
    expect(view.map((o) => o.cluster)).toEqual(['c-b']);
    expect(view[0]?.dryRun).toBe(true);
    expect(view[0]?.decisions.map((d) => [d.id, d.keep])).toEqual(
      expect.arrayContaining([
        [b[0]?.id, false],
        [b[1]?.id, true],
      ]),
    );
    expect(await readCatalog(target)).toHaveLength(4);
    expect(existsSync(join(dir, a[0]?.object?.key ?? 'x'))).toBe(true);
  });
});

describe('backupStatusCommand', () => {
  it.each([
    [{ format: 'yaml' }, 'yaml'],
    [{ format: 'PROMETHEUS' }, 'PROMETHEUS'],
  ])('refuses an unknown --format, naming it and the known ones', async (f, value) => {
    const e = await refusal(() => backupStatusCommand({ target: '/nowhere', ...f }, captureContext().ctx));
    expect([e.code, e.message, e.hint]).toEqual([
      'TDR_BAD_FORMAT',
      `--format "${value}": unknown format`,
      'use one of text, json, prometheus',
    ]);
  });

  it('refuses a bad --max-age before reading the target', async () => {
    const e = await refusal(() =>
      backupStatusCommand({ target: '/nowhere', format: 'text', maxAge: '26' }, captureContext().ctx),
    );
    expect(e.message).toMatch(/^--max-age "26": /);
  });

  it('fails (exit 1) an empty catalog, saying so on stderr', async () => {
    const { dir } = tempTarget();
    const c = captureContext();
    expect(await backupStatusCommand({ target: dir, format: 'text' }, c.ctx)).toBe(1);
    expect(c.err()).toBe(`backup status: no backups in the catalog at ${dir}\n`);
  });

  it('passes a fresh verified backup (exit 0) and fails one older than --max-age, naming the cluster', async () => {
    const { dir, target } = tempTarget();
    await store(target, [makeRecord(hoursAgo(2), 'verified', 1, 'c-a')]);
    const fresh = captureContext();
    expect(await backupStatusCommand({ target: dir, format: 'text', maxAge: '3h' }, fresh.ctx)).toBe(0);
    expect(fresh.err()).toBe('');
    const stale = captureContext();
    expect(await backupStatusCommand({ target: dir, format: 'text', maxAge: '1h' }, stale.ctx)).toBe(1);
    expect(stale.err()).toMatch(/^backup status: cluster c-a: /);
  });

  it('--json wins over --format; --out writes the file instead of stdout', async () => {
    const { dir, target } = tempTarget();
    await store(target, [makeRecord(hoursAgo(1), 'verified', 1, 'c-a')]);
    const c = captureContext({ cwd: dir });
    expect(
      await backupStatusCommand({ target: dir, format: 'prometheus', json: true, out: 'status.json' }, c.ctx),
    ).toBe(0);
    expect(c.out()).toBe('');
    const written = JSON.parse(readFileSync(join(dir, 'status.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({ target: dir });
    const p = captureContext();
    await backupStatusCommand({ target: dir, format: 'prometheus' }, p.ctx);
    expect(p.out()).toMatch(/^# HELP /);
  });
});
