import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dirTarget } from '../../src/backup/dir-target.js';
import { type BackupRunFlags, backupRun, summaryLine } from '../../src/backup/run.js';
import type { CliContext } from '../../src/io/context.js';
import { isTalosDrError } from '../../src/io/errors.js';
import { captureContext } from '../helpers/cli-in-process.js';
import { makeRecord } from './retention-records.js';

/**
 * `backup run` decides two things without a cluster: every flag the user typed is refused before
 * talosctl is asked anything (exit 2 from cron, not after a snapshot), and the one summary line
 * cron mails. The run itself (talosctl, the pipeline, the catalog) is test/backup/cli.test.ts's
 * and the lab suite's.
 */
function ctx(): CliContext & { out: () => string } {
  const cwd = mkdtempSync(join(tmpdir(), 'tdr-backup-run-'));
  onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
  const c = captureContext({ cwd });
  return { ...c.ctx, out: c.out };
}

// a talosctl that does not exist: any flag check that came after a cluster call would fail on it instead
const flags = (over: Partial<BackupRunFlags>): BackupRunFlags => ({
  param: ['nodes=127.0.0.121'],
  encryptTo: [],
  talosctl: '/nonexistent/talosctl',
  ...over,
});

async function refusal(f: BackupRunFlags, c = ctx()) {
  try {
    await backupRun(f, c);
  } catch (e) {
    if (!isTalosDrError(e)) throw e;
    return { code: e.code, exitCode: e.exitCode, message: e.message, wrote: readdirSync(c.cwd) };
  }
  throw new Error('backupRun did not refuse');
}

describe('backupRun refuses bad flags before the cluster is asked anything', () => {
  it('no --target and no TALOS_DR_BACKUP_TARGET', async () => {
    const r = await refusal(flags({}));
    expect(r).toMatchObject({ code: 'TDR_BACKUP_TARGET_MISSING', exitCode: 2 });
    expect(r.message).toContain('--target');
  });

  it('a --param path= (the run picks its private temp file itself)', async () => {
    const c = ctx();
    const r = await refusal(flags({ target: join(c.cwd, 't'), param: ['nodes=127.0.0.121', 'path=/tmp/x.db'] }), c);
    expect(r).toMatchObject({ code: 'TDR_BAD_PARAM', exitCode: 2 });
    expect(r.message).toContain('path=/tmp/x.db');
    expect(existsSync(join(c.cwd, 't'))).toBe(false);
  });

  it('a --keep policy with a typo, before the path= check and before any snapshot', async () => {
    const c = ctx();
    const r = await refusal(
      flags({ target: join(c.cwd, 't'), keep: 'last=3,dialy=7', param: ['nodes=127.0.0.121', 'path=/x'] }),
      c,
    );
    expect(r).toMatchObject({ code: 'TDR_BACKUP_KEEP', exitCode: 2 });
    expect(r.message).toContain('dialy=7');
    expect(r.wrote).toEqual([]);
  });

  it('a --param the runbook does not know, or no nodes', async () => {
    const c = ctx();
    const unknown = await refusal(flags({ target: join(c.cwd, 't'), param: ['nodes=127.0.0.121', 'nope=1'] }), c);
    expect(unknown).toMatchObject({ exitCode: 2 });
    expect(unknown.message).toContain('nope');
    const none = await refusal(flags({ target: join(c.cwd, 't'), param: [] }), c);
    expect(none).toMatchObject({ exitCode: 2 });
    expect(none.message).toContain('nodes');
  });
});

describe('summaryLine', () => {
  const target = dirTarget('/srv/backups');

  it('sizes, gzip without recipients, revision, keys and where the object is', () => {
    const r = makeRecord('2026-12-01T02:00:00Z', 'verified', 5);
    expect(summaryLine(r, target)).toBe(
      `backup ${r.id} ok: 1.0 MB → 4.0 kB gzip, revision 105, 42 keys, /srv/backups/${r.object?.key}`,
    );
  });

  it('gzip+age when the object has a recipient', () => {
    const r = makeRecord('2026-12-01T02:00:00Z', 'verified', 5);
    const enc = { ...r, object: { ...(r.object as NonNullable<typeof r.object>), recipients: ['age1xyz'] } };
    expect(summaryLine(enc, target)).toContain(' gzip+age, revision 105,');
  });
});
