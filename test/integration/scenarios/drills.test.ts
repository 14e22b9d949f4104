import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { drillOnLab, ran } from '../../helpers/drill.js';
import { runCli, TALOSCTL_LAB as TALOS_LAB_BIN } from '../../helpers/run-cli.js';

/**
 * The recovery runbooks proven on the real lab, driven through `talos-dr drill --approve-all
 * --json` (which also tests the drill): each asserts the data set (key count and content hash),
 * that the log verifies, and what the log says ran (or did not).
 */

const work = mkdtempSync(join(tmpdir(), 'talos-dr-scenarios-'));
const labDir = join(work, 'lab');

const drill = (scenario: string) => drillOnLab(work, scenario);

afterAll(async () => {
  await runCli(['lab', 'down', '--dir', labDir]);
});

describe('recovery runbooks on the lab (talos-dr drill)', () => {
  it('NOSPACE (fragmented): recovered, data intact, alarm gone', async () => {
    const { code, report, argvs } = await drill('nospace-recovery');
    expect(report.run.outcome).toBe('success');
    expect(report.recovered).toBe(true);
    expect(report.data.after).toEqual(report.data.before);
    expect(report.data.intact).toBe(true);
    expect(report.data.before.keys).toBe(100);
    expect(report.gates.map((g) => [g.step, g.how])).toEqual([['confirm-disarm', 'flag']]);
    expect(argvs.filter((a) => a.join(' ') === 'etcd defrag')).toHaveLength(3);
    expect(code).toBe(0);
  });

  it('NOSPACE where defrag cannot help: stopped safely after one defrag, nothing disarmed, data intact', async () => {
    const { code, report, argvs } = await drill('nospace-full');
    expect(report.run).toMatchObject({ outcome: 'precondition-failed', exitCode: 4, stepId: 'defrag-cannot-help' });
    expect(argvs.filter((a) => a.join(' ') === 'etcd defrag')).toHaveLength(1);
    expect(ran(argvs, 'etcd alarm disarm')).toBe(false);
    expect(report.data.intact).toBe(true);
    expect(report.checks.find((c) => c.name === 'no alarm')?.ok).toBe(false); // the alarm is left for a person
    expect(code).toBe(1);
  });

  it('a lost follower is replaced: member removed, replacement joined and promoted, data intact', async () => {
    const { code, report, argvs } = await drill('replace-lost-member');
    expect(report.run.outcome).toBe('success');
    expect(ran(argvs, 'etcd remove-member')).toBe(true);
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(report.data.intact).toBe(true);
    expect(code).toBe(0);
  });

  it('a lost LEADER is replaced the same way', async () => {
    const { code, report } = await drill('replace-lost-leader');
    expect(report.run.outcome).toBe('success');
    expect(report.data.intact).toBe(true);
    expect(code).toBe(0);
  });

  it('lagging-member-repaired: a learner never promoted leaves, rejoins empty, is promoted; data intact', async () => {
    const { code, report, argvs } = await drill('member-not-syncing');
    expect(report.run).toMatchObject({ outcome: 'success', stepId: 'rejoined' });
    expect(report.checks.every((c) => c.ok)).toBe(true); // includes "no learners" and "member list whole"
    expect(report.data.after).toEqual(report.data.before);
    expect(report.data.intact).toBe(true);
    expect(report.data.before.keys).toBe(100);
    expect(report.gates.map((g) => [g.step, g.how])).toEqual([
      ['confirm-leave', 'flag'],
      ['confirm-rejoin', 'flag'],
    ]);
    expect(ran(argvs, 'etcd leave')).toBe(true);
    expect(ran(argvs, 'reset')).toBe(true);
    expect(code).toBe(0);
  });

  it('a voter that answers but falls behind over a slow link: named by its lag, not wiped, proven back in sync', async () => {
    const { code, report, argvs } = await drill('member-not-syncing-slow-link');
    expect(report.fault).toMatch(/answers, follows the leader and is \d+ raft entries behind/);
    expect(report.fault, JSON.stringify(report.run)).toMatch(/at step catch-up: the link was repaired/);
    expect(report.run).toMatchObject({ outcome: 'success', stepId: 'caught-up' });
    expect(report.checks.every((c) => c.ok)).toBe(true);
    expect(report.data.intact).toBe(true);
    // found as a lagging voter (not a learner), on the node the drill slowed down
    const lagging = readFileSync(report.log, 'utf8').match(
      /"outputs":\{"lag":(\d+),"learner":false,"member":"[0-9a-f]{16}","node":"([0-9.]+)"\}/,
    );
    expect(lagging?.[2]).toBe(report.fault.match(/(127\.0\.0\.\d+) answers, follows the leader/)?.[1]);
    expect(Number(lagging?.[1])).toBeGreaterThan(100);
    // no leave, no reset, no membership change
    expect(ran(argvs, 'etcd leave')).toBe(false);
    expect(ran(argvs, 'reset')).toBe(false);
    expect(report.gates).toEqual([]);
    expect(code).toBe(0);
  });

  it('quorum loss: restored from the snapshot, the data set equals the snapshot (later keys gone)', async () => {
    const { code, report, argvs } = await drill('restore-from-snapshot');
    expect(report.run.outcome).toBe('success');
    expect(report.data.after).toMatchObject(report.data.expected);
    expect(report.data.intact).toBe(true);
    expect(report.data.expected.keys).toBe(100);
    expect(argvs.filter((a) => a[0] === 'bootstrap')).toHaveLength(1);
    expect(report.gates.some((g) => g.how.startsWith('drill'))).toBe(true); // power-on acted out by lab heal
    expect(code).toBe(0);
  });
});

describe('restore from a backup target (issue #17)', () => {
  it('backup run, quorum loss, restore-from-snapshot --param snapshot=backup:latest: the backup is what comes back', async () => {
    const { code, report, argvs } = await drill('restore-from-backup');
    expect(report.run.outcome).toBe('success');
    expect(report.data.after).toMatchObject(report.data.expected);
    expect(report.data.expected.keys).toBe(100);
    const boot = argvs.filter((a) => a[0] === 'bootstrap');
    expect(boot).toHaveLength(1);
    expect(boot[0]?.at(-1)).toMatch(/snapshot-from-backup-\d{8}T\d{6}Z\.snapshot$/);
    const start = JSON.parse(readFileSync(report.log, 'utf8').split('\n')[0] ?? '{}') as {
      payload: { paramSources?: Record<string, string> };
    };
    expect(start.payload.paramSources?.snapshot).toMatch(
      /^backup \d{8}T\d{6}Z-[0-9a-f]{12} of cluster talos-dr-lab, taken .*: revision \d+, \d+ keys, etcd hash [0-9a-f]{8} \(verified\)/,
    );
    expect(code).toBe(0);
  });
});

describe('refusals on the lab', () => {
  it('a corrupted snapshot is refused before any wipe (no reset, no bootstrap in the log)', async () => {
    const { code, report, argvs } = await drill('restore-corrupt-snapshot');
    expect(report.run).toMatchObject({ outcome: 'precondition-failed', exitCode: 4, stepId: 'snapshot-complete' });
    expect(ran(argvs, 'reset')).toBe(false);
    expect(ran(argvs, 'bootstrap')).toBe(false);
    expect(code).toBe(1);
  });

  it('a removal that would break quorum is refused (two members down: no remove-member ran)', async () => {
    const { report, argvs } = await drill('replace-two-down');
    // refused before any change: the lost-member read finds two silent members (exit 1), and
    // quorum-safe-to-remove would refuse next (exit 4)
    expect(['lost', 'quorum-safe']).toContain(report.run.stepId);
    expect([1, 4]).toContain(report.run.exitCode);
    expect(ran(argvs, 'etcd remove-member')).toBe(false);
    expect(ran(argvs, 'etcd leave')).toBe(false);
  });

  it('a second bootstrap is refused: by the runbook (quorum is not lost) and by the node (AlreadyExists)', async () => {
    const up = await runCli(['lab', 'up', '--dir', labDir], { timeoutMs: 60_000 });
    expect(up.code, up.stderr).toBe(0);
    const env = { TALOS_DR_LAB_DIR: labDir };
    const snap = join(work, 'second.snapshot');
    const s = await execa(TALOS_LAB_BIN, ['--nodes', '127.0.0.11', 'etcd', 'snapshot', snap], { reject: false, env });
    expect(s.exitCode, String(s.stderr)).toBe(0);
    const log = join(work, 'second-bootstrap.jsonl');
    const r = await runCli(
      [
        'run',
        'restore-from-snapshot',
        '--talosctl',
        TALOS_LAB_BIN,
        '--param',
        'nodes=127.0.0.11,127.0.0.12,127.0.0.13',
        '--param',
        `snapshot=${snap}`,
        '--approve',
        'confirm-bootstrap',
        '--approve',
        'confirm-permanent-loss',
        '--log',
        log,
      ],
      { env },
    );
    expect(r.code, r.stdout).toBe(4);
    expect(readFileSync(log, 'utf8')).not.toContain('"bootstrap"');
    const direct = await execa(TALOS_LAB_BIN, ['--nodes', '127.0.0.12', 'bootstrap', '--recover-from', snap], {
      reject: false,
      env,
    });
    expect(direct.exitCode).not.toBe(0);
    expect(String(direct.stderr)).toContain('AlreadyExists');
    await runCli(['lab', 'down', '--dir', labDir]);
  });
});
