import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type Figures, figuresOf } from '../../src/triage/figures.js';
import { replayPolls } from '../../src/triage/gather.js';
import { DEFAULT_MAX_LAG, DEFAULT_QUOTA_BYTES } from '../../src/triage/model.js';
import { exposition, FAMILIES } from '../../src/triage/prometheus.js';
import { triageWithView } from '../../src/triage/triage.js';
import { changes, growthPerHour, leaderChanges, roundLine } from '../../src/triage/watch.js';
import { runCli } from '../helpers/run-cli.js';
import { fixtureNames, loadFixture } from './helpers.js';

/** watch: what changed between rounds, and the Prometheus exposition, checked by a strict parser. */

async function round(name: string, atShiftMs = 0): Promise<{ fig: Figures; row: string }> {
  const rec = loadFixture(name);
  const polls = await replayPolls(rec, new AbortController().signal);
  polls.first.at += atShiftMs;
  polls.second.at += atShiftMs;
  const options = { nodes: rec.nodes, quotaBytes: DEFAULT_QUOTA_BYTES, maxLag: DEFAULT_MAX_LAG };
  const { triage, view } = triageWithView({ options, ...polls });
  return { fig: figuresOf(view, triage, options), row: triage.row };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The text exposition format 0.0.4 as Prometheus reads it: every family's `# HELP` then `# TYPE`
 * before its samples, samples of one family together, valid metric and label names, escaped
 * label values, float values, no series twice, counters named *_total, a final newline.
 */
function parseExposition(text: string): { types: Record<string, string>; samples: Sample[] } {
  expect(text.endsWith('\n')).toBe(true);
  const types: Record<string, string> = {};
  const samples: Sample[] = [];
  const seen = new Set<string>();
  let current = '';
  let helped = '';
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter)$/.exec(line);
    if (help?.[1]) {
      expect(types[help[1]], `${help[1]} declared twice`).toBeUndefined();
      helped = help[1];
      continue;
    }
    if (type?.[1] && type[2]) {
      expect(type[1]).toBe(helped);
      types[type[1]] = type[2];
      current = type[1];
      if (type[2] === 'counter') expect(type[1]).toMatch(/_total$/);
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    expect(m, `not a sample line: ${line}`).not.toBeNull();
    const [, name = '', labelText = '', value = ''] = m ?? [];
    expect(name).toBe(current);
    const labels: Record<string, string> = {};
    for (const l of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/g))
      labels[l[1] ?? ''] = (l[2] ?? '').replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    expect(Object.entries(labels).map(([k, v]) => `${k}="${v}"`).length).toBe(
      labelText === '' ? 0 : labelText.split('",').length,
    );
    expect(value).toMatch(/^(NaN|[+-]Inf|-?\d+(\.\d+)?(e[+-]?\d+)?)$/);
    const key = `${name}${JSON.stringify(labels)}`;
    expect(seen.has(key), `${key} twice`).toBe(false);
    seen.add(key);
    samples.push({ name, labels, value: Number(value) });
  }
  return { types, samples };
}

describe('watch --format prometheus', () => {
  it.each(fixtureNames())('%s: a valid exposition', async (name) => {
    const { fig } = await round(name);
    const { types, samples } = parseExposition(exposition({ figures: fig, leaderChangesTotal: 3 }));
    expect(types.talos_dr_etcd_leader_changes_total).toBe('counter');
    expect(samples.find((s) => s.name === 'talos_dr_etcd_leader_changes_total')?.value).toBe(3);
    for (const s of samples) expect(FAMILIES.some((f) => f.name === s.name)).toBe(true);
  });

  it('the figures of a lost member and a NOSPACE alarm', async () => {
    const kill = parseExposition(exposition({ figures: (await round('kill')).fig, leaderChangesTotal: 0 })).samples;
    const value = (name: string, labels: Record<string, string> = {}) =>
      kill.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('talos_dr_etcd_members_answering')).toBe(2);
    expect(value('talos_dr_etcd_member_answering', { node: '127.0.0.83', member: 'f01967dd4c9d5919' })).toBe(0);
    expect(value('talos_dr_etcd_has_leader')).toBe(1);
    expect(value('talos_dr_etcd_triage_status', { verdict: 'degraded', row: 'member-lost' })).toBe(1);
    const nospace = parseExposition(
      exposition({ figures: (await round('nospace')).fig, leaderChangesTotal: 0 }),
    ).samples;
    expect(nospace.find((s) => s.name === 'talos_dr_etcd_alarms' && s.labels.kind === 'NOSPACE')?.value).toBe(1);
    const frag = parseExposition(
      exposition({ figures: (await round('derived-fragmented')).fig, leaderChangesTotal: 0 }),
    ).samples;
    for (const s of frag.filter((x) => x.name === 'talos_dr_etcd_db_in_use_ratio'))
      expect(s.value).toBeCloseTo(0.22, 2);
  });

  it('quorum lost: no leader, and the members that do not answer say 0', async () => {
    const s = parseExposition(exposition({ figures: (await round('quorum-loss')).fig, leaderChangesTotal: 0 })).samples;
    expect(s.find((x) => x.name === 'talos_dr_etcd_has_leader')?.value).toBe(0);
    expect(s.filter((x) => x.name === 'talos_dr_etcd_member_answering').map((x) => x.value)).toEqual([1, 0, 0]);
    expect(s.some((x) => x.name === 'talos_dr_etcd_raft_term')).toBe(false);
  });
});

describe('watch: what changed between rounds', () => {
  it('a member that stops answering, and the verdict that follows', async () => {
    const a = await round('healthy');
    const b = await round('kill', 30_000);
    // (the two recordings come from two labs: their leaders differ, and that is a change too)
    expect(changes(a.fig, b.fig)).toEqual([
      'verdict healthy (healthy) → degraded (member-lost)',
      'leader 750f82d0bd760ee4 on 127.0.0.81 (term 2) → c93b2f5fc7348e76 on 127.0.0.82 (term 2): 1 election seen',
      'member f01967dd4c9d5919 on 127.0.0.83 stopped answering',
    ]);
    expect(changes(undefined, b.fig)).toEqual([]);
    expect(roundLine({ verdict: 'degraded' } as never, b.fig)).toMatch(
      /^\d\d:\d\d:\d\dZ {2}DEGRADED {4}leader c93b2f5f on 127\.0\.0\.82 term 2 · 2\/3 answering · DB 45 kB \(0\.0% of quota\) on 127\.0\.0\.81 · lag max 0$/,
    );
  });

  it('leader changes: within a round (term 2 → 4) and between rounds', async () => {
    const flap = await round('derived-flap-leader');
    expect(leaderChanges(undefined, flap.fig)).toBe(2);
    const calm = await round('healthy', 30_000);
    // the next round's first poll sees the first leader again at term 2: no election counted backwards
    expect(leaderChanges(flap.fig, calm.fig)).toBe(1);
    expect(
      changes(flap.fig, calm.fig).some((c) =>
        c.startsWith('leader c93b2f5fc7348e76 on 127.0.0.82 (term 4) → 750f82d0bd760ee4 on 127.0.0.81'),
      ),
    ).toBe(true);
  });

  it('DB growth per hour and the lag trend', async () => {
    const a = await round('healthy');
    const b = await round('derived-fragmented', 3_600_000);
    const growth = growthPerHour(a.fig, b.fig);
    expect(Object.keys(growth).sort()).toEqual(['750f82d0bd760ee4', 'c93b2f5fc7348e76', 'f01967dd4c9d5919']);
    for (const g of Object.values(growth)) expect(g / 1e6).toBeCloseTo(900, -1);
    expect(changes(a.fig, b.fig)).toContain('DB of 750f82d0bd760ee4: +900 MB/h');
    const lag1 = await round('derived-catching-up');
    const lag2 = await round('derived-lagging', 30_000);
    expect(changes(lag1.fig, lag2.fig)).toContain(
      'lag of f01967dd4c9d5919 on 127.0.0.83: 400 → 1,800 (falling behind)',
    );
  });
});

describe('watch on the command line', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'talos-dr-watch-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const RECORD = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));

  it('--count 1 --format prometheus --out: one valid file, replaced atomically, the verdict as exit code', async () => {
    const out = join(tmp, 'etcd.prom');
    const args = ['watch', '--param', 'nodes=10.5.0.2,10.5.0.3,10.5.0.4', '--talosctl', RECORD];
    const r = await runCli(
      [...args, '--window', '1s', '--read-timeout', '20s', '--count', '1', '--format', 'prometheus', '--out', out],
      {
        timeoutMs: 90_000,
      },
    );
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 1, stdout: '', stderr: '' });
    const { samples } = parseExposition(readFileSync(out, 'utf8'));
    expect(samples.find((s) => s.name === 'talos_dr_etcd_alarms' && s.labels.kind === 'NOSPACE')?.value).toBe(1);
    expect(readdirSync(tmp)).toEqual(['etcd.prom']);
  });

  it.each([
    [['--every', '2s'], '--every "2s": must be longer than --window (3000 ms)'],
    [['--count', '0'], '--count "0": a whole number ≥ 1'],
    [['--format', 'yaml'], '--format "yaml": unknown format'],
    [['--every', 'often'], '--every "often": a duration from 1s to 24h'],
  ])('%j: exit 2', async (extra, message) => {
    const r = await runCli(['watch', '--param', 'nodes=10.5.0.2', ...extra], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
