import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/run-cli.js';

/**
 * One run per cluster, through the real CLI and real processes: a run holds the lock while its
 * talosctl hangs (RECORD_SLEEP); the same cluster reached by other endpoint spellings, another
 * talosconfig or TALOSCONFIG exits 5 naming the holder; two resumes of one log at once: exactly
 * one proceeds, the other exits 5; the log still verifies. The cluster is recognised by the id
 * `talosctl get info -o json` prints (the stand-in prints RECORD_CLUSTER_ID).
 */

const STAND_IN = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));
const NODES = 'nodes=10.5.0.2,10.5.0.3,10.5.0.4';

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-lock-cluster-'));
  const rec = join(dir, 'argv.jsonl');
  writeFileSync(rec, '');
  const other = join(dir, 'other-talosconfig');
  writeFileSync(other, 'context: other\ncontexts:\n  other:\n    endpoints: [10.5.0.3]\n');
  const env = {
    RECORD_ARGV: rec,
    CI: 'true',
    RECORD_CLUSTER_ID: `lock-test-${process.pid}-${Math.random()}`,
    NO_COLOR: '1',
  };
  return { dir, env, other };
}

/** A talos-dr process left running; resolves once it printed its log path (it holds its locks then). */
async function holding(args: string[], env: Record<string, string>): Promise<{ p: ResultPromise; err: () => string }> {
  const p = execa(BIN, args, { reject: false, env, stdin: 'ignore', timeout: 60_000 });
  let err = '';
  p.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const deadline = Date.now() + 30_000;
  while (!err.includes('log: ') && Date.now() < deadline) {
    if (p.exitCode !== null) throw new Error(`exited early: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // the holder now waits in its hanging read (after the lock and the log were taken)
  await new Promise((r) => setTimeout(r, 300));
  return { p, err: () => err };
}

describe('one run per cluster (real processes)', () => {
  it('every endpoint spelling, another talosconfig and two resumes of one log: one proceeds, the others exit 5', async () => {
    const s = setup();
    const log = join(s.dir, 'a.jsonl');
    const sleepy = { ...s.env, RECORD_SLEEP: 'etcd alarm list' };
    const base = ['--param', NODES, '--talosctl', STAND_IN];
    const a = await holding(
      // its hanging read must outlast the five attempts below on a busy machine
      [
        'run',
        'nospace-recovery',
        ...base,
        '--endpoints',
        '10.5.0.2',
        '--operator',
        'alice',
        '--read-timeout',
        '90s',
        '--log',
        log,
      ],
      sleepy,
    );
    const attempts: Array<[string, string[], Record<string, string>]> = [
      ['two endpoints', ['--endpoints', '10.5.0.2,10.5.0.3'], s.env],
      ['another endpoint', ['--endpoints', '10.5.0.4'], s.env],
      ['no endpoints', [], s.env],
      ['another talosconfig', ['--talosconfig', s.other], s.env],
      ['TALOSCONFIG', ['--context', 'other'], { ...s.env, TALOSCONFIG: s.other }],
    ];
    for (const [what, extra, env] of attempts) {
      const r = await runCli(['run', 'nospace-recovery', ...base, ...extra, '--log', join(s.dir, `${what}.jsonl`)], {
        env,
      });
      expect(r.code, what).toBe(5);
      expect(r.stderr, what).toContain(`another run holds the cluster lock: operator alice (pid ${a.p.pid}`);
    }
    // a resume of the log the run is still writing, even told another cluster: exit 5 on the log
    const early = await runCli(['resume', log, '--retarget'], { env: { ...s.env, RECORD_CLUSTER_ID: 'elsewhere' } });
    expect(early.code).toBe(5);
    expect(early.stderr).toContain(`another run or resume is writing this log: operator alice (pid ${a.p.pid}`);
    a.p.kill('SIGINT');
    expect((await a.p).exitCode).toBe(130);

    // two resumes of one log at once (the second with another TALOSCONFIG): one proceeds. The log
    // stopped at the gate; the first resume hangs in the disarm it approves, holding both locks.
    const gated = join(s.dir, 'gated.jsonl');
    expect((await runCli(['run', 'nospace-recovery', ...base, '--log', gated], { env: s.env })).code).toBe(3);
    const approve = ['--approve', 'confirm-disarm'];
    const r1 = await holding(['resume', gated, ...approve, '--operator', 'bob'], {
      ...s.env,
      RECORD_SLEEP: 'etcd alarm disarm',
    });
    const r2 = await runCli(['resume', gated, ...approve, '--operator', 'carol'], {
      env: { ...s.env, TALOSCONFIG: s.other },
    });
    expect(r2.code, r2.stderr).toBe(5);
    expect(r2.stderr).toContain(`another run or resume is writing this log: operator bob (pid ${r1.p.pid}`);
    // and the cluster is held by the resume: a fresh run against it exits 5 as well
    const fresh = await runCli(['run', 'nospace-recovery', ...base, '--log', join(s.dir, 'fresh.jsonl')], {
      env: s.env,
    });
    expect(fresh.code).toBe(5);
    r1.p.kill('SIGINT');
    expect((await r1.p).exitCode).toBe(130);

    for (const l of [log, gated]) {
      const v = await runCli(['log', 'verify', l]);
      expect(v.code, v.stdout).toBe(0);
      expect(v.stdout).toContain('ends at a resumable stop');
    }
    expect((await runCli(['log', 'verify', gated])).stdout).toContain('segments: 2 (the run and 1 resume(s))');
    const start = JSON.parse(readFileSync(log, 'utf8').split('\n')[0] ?? '{}') as {
      payload: { cluster: { source: string; value: string }; target: { talosconfig: string } };
    };
    expect(start.payload.cluster).toMatchObject({ source: 'talos-cluster-id', value: s.env.RECORD_CLUSTER_ID });
  }, 120_000);

  it('resume refuses another talosconfig or another cluster unless --retarget, which it records', async () => {
    const s = setup();
    const log = join(s.dir, 'b.jsonl');
    const run = ['run', 'nospace-recovery', '--param', NODES, '--talosctl', STAND_IN, '--log', log];
    expect((await runCli(run, { env: s.env })).code).toBe(3);
    const moved = await runCli(['resume', log, '--talosconfig', s.other], { env: s.env });
    expect(moved.code).toBe(2);
    expect(moved.stderr).toContain(`--talosconfig ${s.other} (the log records`);
    const otherCluster = await runCli(['resume', log], { env: { ...s.env, RECORD_CLUSTER_ID: 'another-cluster' } });
    expect(otherCluster.code).toBe(4);
    expect(otherCluster.stderr).toContain(`the log was run against talos-cluster-id ${s.env.RECORD_CLUSTER_ID}`);
    const forced = await runCli(['resume', log, '--retarget', '--approve', 'confirm-disarm'], {
      env: { ...s.env, RECORD_CLUSTER_ID: 'another-cluster' },
    });
    expect(forced.code).toBe(0);
    expect(readFileSync(log, 'utf8')).toContain('with --approve confirm-disarm --retarget (the log was run against');
    expect((await runCli(['log', 'verify', log])).code).toBe(0);
  }, 60_000);
});
