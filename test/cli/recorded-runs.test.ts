import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { recordedRuns, recordedViolations, runThree } from '../../scripts/reliability/recorded-runs.js';
import { F_IDS, fakeState } from '../helpers/fake-talosctl.js';
import { runCli } from '../helpers/run-cli.js';
import { TEST_SEED } from '../setup/hermetic.js';

/**
 * What reaches talosctl, recorded by a stand-in: plan and dry run only ever send reads; a run
 * without a terminal and without --approve never sends a gated or irreversible argv, and sends a
 * disruptive one only right after the quorum check's own reads. A dry run changes no file outside
 * its log.
 *
 * Built-in and generated runbooks run through the engine in-process, against a recording stand-in
 * that answers like the fake cluster (scripts/reliability/recorded-runs.ts): a spawned stand-in
 * per call costs 15-20 s a runbook. The real CLI with fixtures/bin/record-talosctl.mjs runs
 * backup-snapshot here, and every built-in runbook with TALOS_DR_RELIABILITY=1.
 */

const STAND_IN = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));
const RUNBOOKS = fileURLToPath(new URL('../../runbooks/', import.meta.url));
const NODES = 'nodes=10.5.0.2,10.5.0.3,10.5.0.4';
// FC_SEED replays this file alone; otherwise the run's one seed (TALOS_DR_TEST_SEED, fixed in CI)
const seed = Number(process.env.FC_SEED ?? TEST_SEED);
const generated = Number(process.env.RECORDED_RUNBOOKS ?? (process.env.TALOS_DR_RELIABILITY === '1' ? 2_000 : 150));

/** name → size and mtime of every file under dir (recursively), minus `except` */
function listing(dir: string, except: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = join(e.parentPath, e.name);
    if (except.includes(p)) continue;
    const s = statSync(p);
    out[p] = e.isDirectory() ? 'dir' : `${s.size} bytes, mtime ${s.mtimeMs}`;
  }
  return out;
}

function workspace(name: string) {
  const root = mkdtempSync(join(tmpdir(), `tdr-recorded-${name}-`));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const cwd = join(root, 'cwd');
  const snaps = join(root, 'snapshots');
  const state = join(root, 'state');
  for (const d of [cwd, snaps, state]) mkdirSync(d);
  writeFileSync(join(cwd, 'notes.txt'), 'a file of the operator\n');
  // an existing snapshot: never replaced, never touched by a dry run
  const existing = join(snaps, 'etcd.snapshot');
  writeFileSync(existing, Buffer.alloc(4 * 512 + 32, 9));
  utimesSync(existing, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  const rec = join(root, 'argv.jsonl');
  const env = {
    RECORD_ARGV: rec,
    TALOS_DR_LOCK_DIR: join(state, 'locks'),
    XDG_STATE_HOME: state,
    HOME: state,
    CI: 'true',
  };
  /** the argv recorded since the last call, without the --nodes the adapter adds */
  let seen = 0;
  const take = (): string[][] => {
    const all = readFileSync(rec, 'utf8').split('\n').filter(Boolean);
    const fresh = all.slice(seen).map((l) => JSON.parse(l) as string[]);
    seen = all.length;
    return fresh.map((a) => {
      const i = a.indexOf('--nodes');
      return i >= 0 ? [...a.slice(0, i), ...a.slice(i + 2)] : a;
    });
  };
  writeFileSync(rec, '');
  return { root, cwd, snaps, existing, env, take };
}

const PARAMS: Record<string, (w: ReturnType<typeof workspace>) => string[]> = {
  'backup-snapshot': (w) => [`path=${w.existing}`],
  'health-check': () => [],
  'member-not-syncing': () => [],
  'nospace-recovery': () => [],
  'replace-lost-member': (w) => [`snapshot=${join(w.snaps, 'before-replace.snapshot')}`],
  'restore-from-snapshot': (w) => [`snapshot=${w.existing}`],
  'rolling-defrag': () => [],
};

const builtIn = readdirSync(RUNBOOKS)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => basename(f, '.yaml'));
const reliability = process.env.TALOS_DR_RELIABILITY === '1';

/** in-process params: the snapshot path a run may write (absent), or an existing file to read */
const IN_PROCESS: Record<string, (path: string, existing: string) => string[]> = {
  'backup-snapshot': (path) => [`path=${path}`],
  'replace-lost-member': (path) => [`snapshot=${path}`],
  'restore-from-snapshot': (_path, existing) => [`snapshot=${existing}`],
};

describe('what reaches talosctl: built-in runbooks', () => {
  it('has params for every built-in runbook', () => {
    expect(builtIn.sort()).toEqual(Object.keys(PARAMS).sort());
  });

  it.each(
    builtIn,
  )('%s (in-process): plan and dry run send only reads; a run without --approve no gated argv', async (name) => {
    const w = workspace(name);
    const text = readFileSync(join(RUNBOOKS, `${name}.yaml`), 'utf8');
    const r = await runThree(text, w.snaps, {
      params: (path) => IN_PROCESS[name]?.(path, w.existing) ?? [],
      // nospace-recovery needs its alarm raised to get past its precondition
      cluster: () => ({
        ...fakeState(),
        alarms: name === 'nospace-recovery' ? [{ member: F_IDS[0], kind: 'NOSPACE' }] : [],
      }),
    });
    expect(r.lintErrors).toEqual([]);
    expect(r.violations).toEqual([]);
    expect(r.calls['dry-run'].length).toBeGreaterThan(0);
    expect(r.calls.run.length).toBeGreaterThan(0);
  });

  it.concurrent.each(reliability ? builtIn : ['backup-snapshot'])(
    '%s (CLI, recording stand-in): plan and dry run send only reads, change no file; a run without --approve no gated argv',
    { timeout: 300_000 },
    async (name) => {
      const w = workspace(name);
      const params = [NODES, ...(PARAMS[name]?.(w) ?? [])].flatMap((p) => ['--param', p]);
      // rolling-defrag polls its waits on real time: a full real run takes minutes
      const opts = { env: w.env, cwd: w.cwd, timeoutMs: 240_000 };
      const described = await runCli(['describe', name, '--json'], opts);
      const gates = (JSON.parse(described.stdout) as { steps: Array<{ id: string; kind: string }> }).steps
        .filter((s) => s.kind === 'confirm' || s.kind === 'manual')
        .map((s) => s.id);

      const plan = await runCli(['plan', name, ...params, '--live-reads', '--talosctl', STAND_IN], opts);
      expect(plan.code, plan.stderr).toBe(0);
      expect(recordedViolations('plan', w.take())).toEqual([]);

      // the dry run, approved at every gate so that it rehearses every step
      const dryLog = join(w.cwd, 'dry.jsonl');
      const before = { cwd: listing(w.cwd), snaps: listing(w.snaps), bytes: readFileSync(w.existing) };
      const dry = await runCli(
        [
          'run',
          name,
          ...params,
          '--dry-run',
          '--talosctl',
          STAND_IN,
          '--log',
          dryLog,
          ...gates.flatMap((g) => ['--approve', g]),
        ],
        opts,
      );
      expect([0, 1, 3, 4], dry.stderr).toContain(dry.code);
      const dryCalls = w.take();
      expect(dryCalls.length).toBeGreaterThan(0);
      expect(recordedViolations('dry-run', dryCalls)).toEqual([]);
      expect(listing(w.cwd, [dryLog])).toEqual(before.cwd);
      expect(listing(w.snaps)).toEqual(before.snaps);
      expect(readFileSync(w.existing).equals(before.bytes)).toBe(true);

      const log = join(w.root, 'run.jsonl');
      const run = await runCli(['run', name, ...params, '--talosctl', STAND_IN, '--log', log], opts);
      expect([0, 1, 3, 4], run.stderr).toContain(run.code);
      expect(recordedViolations('run', w.take())).toEqual([]);
      // the existing snapshot is never replaced, not even by a real run
      expect(readFileSync(w.existing).equals(before.bytes)).toBe(true);
      expect(statSync(w.existing).mtimeMs).toBe(Date.parse('2026-01-01T00:00:00Z'));
    },
  );
});

describe(`what reaches talosctl: ${generated} generated runbooks (seed ${seed}; FC_SEED replays)`, () => {
  it('plan and dry run send only reads; a run without --approve no gated argv, quorum reads first', async () => {
    process.stdout.write(`recorded-runs: FC_SEED=${seed} RECORDED_RUNBOOKS=${generated}\n`);
    const f = await recordedRuns(generated, seed);
    expect(f.samples).toEqual([]);
    expect(f.invalidSamples).toEqual([]);
    expect(f.valid).toBe(generated);
    expect(f.violations).toBe(0);
    // the mix really reached talosctl: reads in all three, disruptive calls in the runs
    expect(f.calls['dry-run']).toBeGreaterThan(generated);
    expect(f.runCallsByEffect.read ?? 0).toBeGreaterThan(0);
    if (generated >= 50) expect(f.runCallsByEffect.disruptive ?? 0).toBeGreaterThan(0);
  });

  it('the checker itself sees each kind of violation', () => {
    expect(
      recordedViolations('dry-run', [
        ['etcd', 'members'],
        ['etcd', 'defrag'],
      ]),
    ).toHaveLength(1);
    expect(recordedViolations('plan', [['etcd', 'snapshot', 'x']])).toHaveLength(1);
    expect(
      recordedViolations('run', [
        ['etcd', 'members'],
        ['etcd', 'status'],
        ['etcd', 'leave'],
      ]),
    ).toHaveLength(1);
    expect(recordedViolations('run', [['etcd', 'members'], ['etcd', 'status'], ['reboot']])).toHaveLength(1);
    expect(
      recordedViolations('run', [
        ['etcd', 'members'],
        ['etcd', 'defrag'],
      ]),
    ).toHaveLength(1);
    expect(
      recordedViolations('run', [
        ['etcd', 'members'],
        ['etcd', 'status'],
        ['etcd', 'defrag'],
        ['etcd', 'defrag'],
      ]),
    ).toHaveLength(1);
    expect(
      recordedViolations('run', [
        ['etcd', 'status'],
        ['etcd', 'members'],
        ['etcd', 'defrag'],
      ]),
    ).toEqual([]);
    expect(recordedViolations('run', [['-n10.0.0.3', 'etcd', 'members']])).toHaveLength(1);
  });
});
