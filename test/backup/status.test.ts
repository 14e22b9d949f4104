import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackupRecord } from '../../src/backup/record.js';
import { backupStatus, formatAge, parseMaxAge } from '../../src/backup/status.js';
import { escapeLabelValue, statusPrometheus } from '../../src/backup/status-format.js';
import { backupCli, store, tempTarget } from './maintenance-cli.js';
import { type Kind, makeRecord } from './retention-records.js';

/** `backup status`: freshness per cluster, its exit code, and the Prometheus exposition it writes. */

const NOW = new Date('2026-12-06T05:30:00Z');
const at = (hoursAgo: number, from = NOW) => new Date(from.getTime() - hoursAgo * 3_600_000).toISOString();
const history = (entries: [number, Kind][], cluster = 'c-1', from = NOW): BackupRecord[] =>
  entries.map(([h, k], i) => makeRecord(at(h, from), k, i, cluster));

/**
 * The text exposition format, checked line by line as Prometheus reads it: a family's HELP and
 * TYPE come once, before its samples; names and label names are legal; label values are quoted
 * with only \\, \" and \n escapes; values are Go floats; the text ends with a newline.
 */
function checkExposition(text: string): Map<string, Map<string, number>> {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, Map<string, number>>();
  const typed = new Set<string>();
  let current = '';
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      const [, kind, name = '', rest = ''] = meta;
      if (kind === 'HELP') {
        expect(families.has(name), `${name} described twice`).toBe(false);
        expect(/^(?:[^\\\n]|\\\\|\\n)*$/.test(rest), `HELP escapes: ${line}`).toBe(true);
        families.set(name, new Map());
        current = name;
      } else {
        expect([name, rest]).toEqual([current, 'gauge']);
        typed.add(name);
      }
      continue;
    }
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\\\|\\"|\\n)*",?)*)\} (\S+)$/.exec(line);
    expect(sample, `not a sample line: ${JSON.stringify(line)}`).not.toBeNull();
    const [, name = '', labels = '', value = ''] = sample ?? [];
    expect(name, 'samples follow their own HELP and TYPE').toBe(current);
    expect(typed.has(name)).toBe(true);
    expect(/^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]Inf|NaN)$/.test(value), `value ${value}`).toBe(true);
    families.get(name)?.set(labels, value === '+Inf' ? Number.POSITIVE_INFINITY : Number(value));
  }
  return families;
}

describe('backup status, pure', () => {
  it('writes every family for each cluster, none for what is not there, labels escaped', () => {
    const weird = 'id "with" \\ and\nnewline';
    const clusters = backupStatus(
      [
        ...history([
          [50, 'verified'],
          [26, 'verified'],
          [2, 'failed'],
        ]),
        ...history([[3, 'verify-failed']], weird),
      ],
      NOW,
      { maxAgeSeconds: 26 * 3600 },
    );
    const text = statusPrometheus(clusters);
    const families = checkExposition(text);
    const c1 = 'cluster="c-1",cluster_name="lab"';
    const c2 = `cluster="id \\"with\\" \\\\ and\\nnewline",cluster_name="lab"`;
    expect(Object.fromEntries([...families].map(([k, v]) => [k, Object.fromEntries(v)]))).toEqual({
      talos_dr_backup_newest_verified_timestamp_seconds: { [c1]: Date.parse(at(26)) / 1000, [c2]: 0 },
      talos_dr_backup_newest_verified_age_seconds: { [c1]: 26 * 3600, [c2]: Number.POSITIVE_INFINITY },
      talos_dr_backup_newest_verified_size_bytes: { [c1]: 4001 },
      talos_dr_backup_newest_verified_snapshot_size_bytes: { [c1]: 1_000_033 },
      talos_dr_backup_last_run_success: { [c1]: 0, [c2]: 1 },
      talos_dr_backup_last_run_timestamp_seconds: { [c1]: Date.parse(at(2)) / 1000, [c2]: Date.parse(at(3)) / 1000 },
      talos_dr_backup_last_verify_success: { [c1]: 1, [c2]: 0 },
      talos_dr_backup_last_verify_timestamp_seconds: {
        [c1]: Date.parse(at(26)) / 1000 + 60,
        [c2]: Date.parse(at(3)) / 1000 + 60,
      },
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      '# HELP talos_dr_backup_newest_verified_timestamp_seconds Unix time the newest verified backup was taken (0: no verified backup).',
      '# TYPE talos_dr_backup_newest_verified_timestamp_seconds gauge',
      `talos_dr_backup_newest_verified_timestamp_seconds{${c1}} 1796441400`,
      `talos_dr_backup_newest_verified_timestamp_seconds{${c2}} 0`,
    ]);
    expect(clusters.map((c) => c.problem)).toEqual([undefined, 'no verified backup']);
  });

  it('an empty catalog is an empty exposition; escaping is exactly \\\\, \\" and \\n', () => {
    expect(statusPrometheus([])).toBe('');
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
  });

  it('says when the newest verified backup is past --max-age, by how much', () => {
    const [c] = backupStatus(history([[27.1, 'verified']]), NOW, { maxAgeSeconds: parseMaxAge('26h') });
    expect(c?.problem).toBe(
      'the newest verified backup 20261205T022400Z-000000000000 is 1d 3h old, past --max-age 1d 2h',
    );
  });

  it.each([
    ['26h', 93_600],
    ['1d12h', 129_600],
    ['90m', 5_400],
    ['3600s', 3_600],
    [' 2d ', 172_800],
  ])('--max-age %j is %i s', (v, s) => {
    expect(parseMaxAge(v)).toBe(s);
  });

  it.each([
    ['', 'not a duration'],
    ['26', 'not a duration'],
    ['1w', 'not a duration'],
    ['26h-1m', 'not a duration'],
    ['0h', 'must be longer than 0s'],
  ])('--max-age %j is refused: %s', (v, reason) => {
    expect(() => parseMaxAge(v)).toThrow(`--max-age ${JSON.stringify(v)}: ${reason}`);
  });

  it('ages read as a person says them', () => {
    expect([42, 120, 3_660, 97_500, 86_400 * 3, Number.POSITIVE_INFINITY].map(formatAge)).toEqual([
      '42s',
      '2m',
      '1h 1m',
      '1d 3h',
      '3d',
      'never',
    ]);
  });
});

describe('backup status, the command', () => {
  it('exit 0 with a fresh verified backup; the text names it, the newest run and the last verify', async () => {
    const { dir, target } = tempTarget();
    await store(target, history([[3, 'verified']], 'c-1', new Date()));
    const r = await backupCli(['backup', 'status', '--max-age', '26h', '--target', dir]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(
      /^cluster c-1 \(lab\)\n {2}newest verified {2}\d{8}T\d{6}Z-000000000000 {2}taken .*, 3h ago, 4\.0 kB stored, revision 100, 42 keys\n {2}newest run {7}\S+ {2}ok\n {2}last verify {6}\S+ {2}ok {2}\(\S+\)\n {2}backups {10}1 verified, 0 unverified, 0 failed\n {2}OK \(max 1d 2h\)\n$/,
    );
  });

  it('exit 1 past --max-age, when nothing is verified, and on an empty catalog, each with one clear line', async () => {
    const { dir, target } = tempTarget();
    await store(target, history([[30, 'verified']], 'old', new Date()));
    await store(target, history([[1, 'failed']], 'never', new Date()));
    const r = await backupCli(['backup', 'status', '--max-age', '26h', '--target', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^backup status: cluster never: no verified backup\nbackup status: cluster old: the newest verified backup \S+ is 1d 6h old, past --max-age 1d 2h\n$/,
    );
    expect((await backupCli(['backup', 'status', '--target', dir, '--cluster', 'old'])).code).toBe(0);
    const empty = tempTarget();
    expect(await backupCli(['backup', 'status', '--target', empty.dir])).toMatchObject({
      code: 1,
      stdout: `no backups in the catalog at ${empty.dir}\n`,
      stderr: `backup status: no backups in the catalog at ${empty.dir}\n`,
    });
  });

  it('--format prometheus --out replaces the file whole (temp + rename), readable by node_exporter', async () => {
    const { dir, target } = tempTarget();
    await store(target, history([[40, 'verified']], 'c-1', new Date()));
    const collector = join(dir, 'textfile');
    mkdirSync(collector);
    const out = join(collector, 'talos_dr_backup.prom');
    const args = ['backup', 'status', '--format', 'prometheus', '--out', out, '--max-age', '26h', '--target', dir];
    const umask = process.umask(0o077); // as under the shipped unit's UMask=0077
    const first = await backupCli(args).finally(() => process.umask(umask));
    expect(first.code).toBe(1); // stale, and the metrics are written all the same: they are what alerts
    expect(first.stdout).toBe('');
    const families = checkExposition(readFileSync(out, 'utf8'));
    expect(
      families.get('talos_dr_backup_newest_verified_age_seconds')?.get('cluster="c-1",cluster_name="lab"'),
    ).toBeGreaterThan(40 * 3600 - 5);
    expect(statSync(out).mode & 0o777).toBe(0o644);
    await store(
      target,
      history([[0, 'verified']], 'c-1', new Date()).map((r) => ({ ...r, id: r.id.replace(/0$/, '1') })),
    );
    expect((await backupCli(args)).code).toBe(0);
    expect(readdirSync(collector)).toEqual(['talos_dr_backup.prom']);
  });

  it('refuses an unknown --format, a bad --max-age and an --out it cannot write', async () => {
    const { dir } = tempTarget();
    expect(await backupCli(['backup', 'status', '--format', 'yaml', '--target', dir])).toMatchObject({
      code: 2,
      stderr: 'talos-dr: TDR_BAD_FORMAT --format "yaml": unknown format\n  hint: use one of text, json, prometheus\n',
    });
    expect(await backupCli(['backup', 'status', '--max-age', '1w', '--target', dir])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--max-age "1w": not a duration'),
    });
    const r = await backupCli(['backup', 'status', '--out', join(dir, 'no', 'such.prom'), '--target', dir]);
    expect(r).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`TDR_BACKUP_OUT_WRITE --out ${dir}/no/such.prom`),
    });
  });

  it('--json: the same facts for scripts', async () => {
    const { dir, target } = tempTarget();
    await store(target, history([[5, 'verified']], 'c-1', new Date()));
    writeFileSync(join(dir, 'c-1', '20261201T000000Z-000000000000.json'), 'not json');
    const r = await backupCli(['backup', 'status', '--json', '--target', dir]);
    const j = JSON.parse(r.stdout) as {
      ok: boolean;
      clusters: { newestVerified: { revision: number } }[];
      unreadable: { key: string }[];
    };
    expect(j.ok).toBe(true);
    expect(j.clusters[0]?.newestVerified.revision).toBe(100);
    expect(j.unreadable.map((u) => u.key)).toEqual(['c-1/20261201T000000Z-000000000000.json']);
    expect(r.stderr).toMatch(
      /^backup status: unreadable catalog entry c-1\/20261201T000000Z-000000000000.json: not JSON/,
    );
  });
});
