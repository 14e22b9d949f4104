import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processesMentioning } from '../../../src/backup/restore-drill-lab.js';
import type { RestoreDrillReport } from '../../../src/backup/restore-drill-report.js';
import { type LabBackup, takeLabBackup } from '../../helpers/lab-backup.js';
import { runCli } from '../../helpers/run-cli.js';

// `backup restore-drill` end to end: a real backup of a source lab on 127.0.0.51–53 (encrypted with
// a fresh age key), restored into the drill's own lab on 127.0.0.41–43 — never the lead's .11–13
// or another helper's .31. The drill's temp dirs go under its own TMPDIR, so "nothing was
// created, nothing is left" is a directory listing and a scan of /proc.
const dir = mkdtempSync(join(tmpdir(), 'talos-dr-restore-drill-test-'));
const drillTmp = join(dir, 'tmp');
let backup: LabBackup;
const env = (): Record<string, string> => ({ TMPDIR: drillTmp, TALOS_DR_LOCK_DIR: join(dir, 'locks') });
const drill = (target: string, which = 'latest') =>
  runCli(['backup', 'restore-drill', which, '--target', target, '--identity', backup.keyFile ?? '', '--json'], {
    env: env(),
    timeoutMs: 170_000,
  });
const report = (stdout: string): RestoreDrillReport => JSON.parse(stdout) as RestoreDrillReport;
const leftovers = (): string[] => readdirSync(drillTmp);

/** A copy of the store whose one file (matching `end`) is changed by `edit`. */
function storeCopy(name: string, end: string, edit: (b: Buffer) => Buffer): string {
  const to = join(dir, name);
  cpSync(backup.target, to, { recursive: true });
  const [cluster] = readdirSync(to);
  const file = readdirSync(join(to, cluster ?? '')).find((f) => f.endsWith(end));
  const path = join(to, cluster ?? '', file ?? '');
  writeFileSync(path, edit(readFileSync(path)));
  return to;
}

beforeAll(async () => {
  mkdirSync(drillTmp, { recursive: true });
  backup = await takeLabBackup({ dir, firstAddress: '127.0.0.51', seedKeys: 100, encrypt: true, env: env() });
}, 120_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('backup restore-drill on the lab', () => {
  it('a good backup: restored, revision, keys and content as the catalog; the lab is gone afterwards', async () => {
    const r = await drill(backup.target);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const rep = report(r.stdout);
    const entry = JSON.parse(
      readFileSync(join(backup.target, readdirSync(backup.target)[0] ?? '', `${backup.id}.json`), 'utf8'),
    ) as { snapshot: { revision: number; totalKeys: number; etcdHash: string } };
    expect(rep.backup.id).toBe(backup.id);
    expect(rep.backup.encrypted).toBe(true);
    expect(rep.refused).toBeNull();
    expect(rep.restored).toBe(true);
    expect(rep.snapshot).toMatchObject({
      revision: entry.snapshot.revision,
      totalKeys: entry.snapshot.totalKeys,
      hash: entry.snapshot.etcdHash,
    });
    expect(rep.checks.map((c) => [c.name, c.ok])).toEqual([
      ['restore', true],
      ['revision', true],
      ['keys', true],
      ['content', true],
      ['hashkv', true],
    ]);
    expect(rep.checks.find((c) => c.name === 'revision')?.detail).toBe(
      `${entry.snapshot.revision} on all 3 members, as the catalog`,
    );
    expect(rep.checks.find((c) => c.name === 'hashkv')?.detail).toMatch(
      new RegExp(`^\\d+ at revision ${entry.snapshot.revision} on all 3 members$`),
    );
    expect(rep.liveKeys).toBe(100);
    expect(rep.lab?.firstAddress).toBe('127.0.0.41');
    expect(rep.lab?.leftPids).toEqual([]);
    expect(rep.times.restoreMs).toBeGreaterThan(0);
    expect(processesMentioning(drillTmp)).toEqual([]);
    expect(leftovers()).toEqual([]);
    // the text report, once, for a reader of the test log
    console.log(`restore drill: restore ${rep.times.restoreMs} ms, total ${rep.times.totalMs} ms`);
  }, 170_000);

  it('a stored object changed by one byte: refused (exit 4), sha256-differs named, no lab started', async () => {
    const target = storeCopy('store-corrupt', '.db.gz.age', (b) => {
      const c = Buffer.from(b);
      const i = Math.floor(c.length / 2);
      c[i] = (c[i] ?? 0) ^ 0x01;
      return c;
    });
    const r = await drill(target);
    expect(r.code, r.stderr).toBe(4);
    const rep = report(r.stdout);
    expect(rep.refused?.problem).toBe('sha256-differs');
    expect(rep.refused?.detail).toMatch(/^sha256 of the stored object differs: /);
    expect(rep.lab).toBeNull();
    expect(rep.checks).toEqual([]);
    expect(r.stderr).not.toContain('lab of 3 members');
    expect(processesMentioning(drillTmp)).toEqual([]);
    expect(leftovers()).toEqual([]);
  }, 60_000);

  it("a catalog entry whose revision is not the snapshot's: refused naming the revision", async () => {
    const target = storeCopy('store-revision', `${backup.id}.json`, (b) => {
      const e = JSON.parse(b.toString('utf8')) as { snapshot: { revision: number } };
      e.snapshot.revision += 7;
      return Buffer.from(JSON.stringify(e, null, 2));
    });
    const r = await drill(target, backup.id);
    expect(r.code, r.stderr).toBe(4);
    const rep = report(r.stdout);
    expect(rep.refused?.problem).toBe('catalog-differs');
    expect(rep.refused?.detail).toBe(
      `revision differs: ${rep.snapshot?.revision}, the catalog says ${(rep.snapshot?.revision ?? 0) + 7}`,
    );
    expect(rep.lab).toBeNull();
    expect(processesMentioning(drillTmp)).toEqual([]);
    expect(leftovers()).toEqual([]);
    const text = await runCli(
      ['backup', 'restore-drill', backup.id, '--target', target, '--identity', backup.keyFile ?? ''],
      { env: env(), timeoutMs: 60_000 },
    );
    expect(text.code).toBe(4);
    expect(text.stdout).toContain(`RESTORE DRILL backup ${backup.id}: REFUSED (nothing restored)`);
    expect(text.stdout).toContain('✘ refused      catalog-differs: revision differs');
    expect(text.stdout).toContain('lab             none started');
  }, 60_000);

  it('its lab range already taken: refused (exit 4) before the backup is read', async () => {
    const server = createServer();
    await new Promise<void>((ok) => server.listen(2380, '127.0.0.43', ok));
    try {
      const r = await drill(backup.target);
      expect(r.code).toBe(4);
      expect(r.stderr).toContain("the restore drill's lab addresses are in use: 127.0.0.43:2380");
      expect(r.stdout).toBe('');
      expect(leftovers()).toEqual([]);
    } finally {
      await new Promise((ok) => server.close(ok));
    }
  }, 30_000);
});
