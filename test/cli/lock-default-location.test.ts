import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { identityKey } from '../../src/engine/cluster-identity.js';
import { defaultLockDir } from '../../src/engine/lock.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * `npm test` passes while another talos-dr run on the same machine holds its lock: that run's
 * lock is in the real default location (~/.local/state/talos-dr/locks), the tests' locks are in
 * the run's temp dir (test/setup/hermetic.ts). The real default location is never touched here:
 * HOME points at a temp dir, where a real process holds the lock of the stand-in's cluster.
 */

const FIXTURE = fileURLToPath(new URL('../fixtures/take-lock.ts', import.meta.url));
const STAND_IN = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));

describe('a lock held in the default location', () => {
  it('does not stop the tests (hermetic lock dir), and does stop a run that uses the default location', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tdr-home-'));
    onTestFinished(() => rmSync(home, { recursive: true, force: true }));
    const clusterId = `default-location-${process.pid}`;
    // the "other talos-dr run": a real process holding the cluster's lock in HOME's default dir
    const dir = defaultLockDir({ HOME: home });
    expect(dir).toBe(join(home, '.local', 'state', 'talos-dr', 'locks'));
    const holder = execa(
      process.execPath,
      ['--import', 'tsx', FIXTURE, dir, identityKey({ source: 'talos-cluster-id', value: clusterId }), 'other'],
      { reject: false, buffer: false, env: { HOME: home } },
    );
    onTestFinished(async () => {
      holder.kill('SIGKILL');
      await holder;
    });
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    const rec = join(home, 'argv.jsonl');
    writeFileSync(rec, '');
    const run = (log: string) => [
      'run',
      'nospace-recovery',
      '--param',
      'nodes=10.5.0.2,10.5.0.3,10.5.0.4',
      '--talosctl',
      STAND_IN,
      '--log',
      join(home, log),
    ];
    const env = { HOME: home, CI: 'true', RECORD_ARGV: rec, RECORD_CLUSTER_ID: clusterId };
    // under the test setup (TALOS_DR_LOCK_DIR inherited): the held lock is not seen
    const hermetic = await runCli(run('a.jsonl'), { env });
    expect(hermetic.code, hermetic.stderr).toBe(3);
    // the control: the same run using the default location meets the other run's lock
    const real = await runCli(run('b.jsonl'), {
      env: { ...env, TALOS_DR_LOCK_DIR: '', XDG_STATE_HOME: '', TALOS_DR_STATE_DIR: '' },
    });
    expect(real.code).toBe(5);
    expect(real.stderr).toContain('another run holds the cluster lock: operator other');
  }, 60_000);
});
