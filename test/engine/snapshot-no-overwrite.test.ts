import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { AnyRecord } from '../../src/audit/log-format.js';
import type { CommandResult } from '../../src/talos/talosctl.js';
import { F_NODES, type FakeTalosctl, fakeTalosctl } from '../helpers/fake-talosctl.js';
import { go } from './harness.js';

/**
 * `etcd snapshot <path>` never replaces a file: an existing target is refused before talosctl is
 * called, a successful snapshot is linked into place with no temporary file left beside it, and
 * a target that appears while the command runs is kept (the step fails naming it).
 */

const SNAPSHOT_RUNBOOK = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: t-snapshot, title: Snapshot (test) }
params:
  node: { type: node, description: the node }
  path: { type: path, description: where the snapshot goes }
steps:
  - id: snapshot
    talosctl: [etcd, snapshot, { ref: params.path }]
    node: { ref: params.node }
    capture: snap
`;

/** 4 pages and the 32-byte sha256 etcd appends: size % 512 = 32, as talosctl checks */
const SNAPSHOT_BYTES = Buffer.alloc(4 * 512 + 32, 7);

/** A fake talosctl whose `etcd snapshot <file>` writes <file> (after `race()`, if given). */
function snapshotting(race?: () => void): FakeTalosctl {
  const fake = fakeTalosctl();
  const inner = fake.run.bind(fake);
  fake.run = async (node, args, opts): Promise<CommandResult> => {
    if (args[0] !== 'etcd' || args[1] !== 'snapshot') return inner(node, args, opts);
    fake.calls.push({ node, args: [...args] });
    const file = args[2] as string;
    race?.();
    writeFileSync(file, SNAPSHOT_BYTES, { mode: 0o600 });
    return {
      argv: ['--nodes', node, ...args],
      binary: 'fake',
      node,
      pid: 1,
      exitCode: 0,
      signal: null,
      stdout: `etcd snapshot saved to ${JSON.stringify(file)} (${SNAPSHOT_BYTES.length} bytes)\nsnapshot info: hash c25fd181, revision 4193, total keys 1287, total size 3035136\n`,
      stderr: '',
      durationMs: 1,
      timedOut: false,
      canceled: false,
    };
  };
  return fake;
}

const params = (path: string) => [`node=${F_NODES[0]}`, `path=${path}`];
const snapshotCalls = (f: FakeTalosctl) => f.calls.filter((c) => c.args[1] === 'snapshot');
const failureText = (records: readonly AnyRecord[]) => JSON.stringify(records.filter((r) => r.type !== 'run-start'));

function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tdr-snap-'));
  onTestFinished(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

describe('etcd snapshot never replaces a file', () => {
  it('an existing target: the step fails naming it, the file is unchanged, talosctl is not called', async () => {
    const d = dir();
    const target = join(d, 'etcd.snapshot');
    writeFileSync(target, 'the only good backup\n');
    utimesSync(target, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    const before = statSync(target);
    const fake = snapshotting();
    const { result, records } = await go({ fake, text: SNAPSHOT_RUNBOOK, params: params(target) });
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 1, stepId: 'snapshot' });
    expect(result.message).toContain(`${target} already exists`);
    // the log says why too: no command ran, so no command-result would
    expect(records.find((x) => x.type === 'step-end')?.payload).toEqual({
      step: 'snapshot',
      outcome: `${F_NODES[0]}: not run: ${target} already exists: talos-dr never replaces a file; choose another path or move it away`,
    });
    expect(snapshotCalls(fake)).toEqual([]);
    expect(readFileSync(target, 'utf8')).toBe('the only good backup\n');
    expect(statSync(target).mtimeMs).toBe(before.mtimeMs);
    expect(readdirSync(d)).toEqual(['etcd.snapshot']);
  });

  it('an absent target: the file appears and no temporary file is left beside it', async () => {
    const d = dir();
    const target = join(d, 'etcd.snapshot');
    const fake = snapshotting();
    const { result, records } = await go({ fake, text: SNAPSHOT_RUNBOOK, params: params(target) });
    expect(result).toMatchObject({ outcome: 'success', exitCode: 0 });
    expect(readFileSync(target)).toEqual(SNAPSHOT_BYTES);
    expect(readdirSync(d)).toEqual(['etcd.snapshot']);
    // talosctl was given a temporary name beside the target, never the target itself
    const [call] = snapshotCalls(fake);
    expect(call?.args[2]).not.toBe(target);
    expect(call?.args[2]?.startsWith(join(d, '.etcd.snapshot.talos-dr-'))).toBe(true);
    // the capture names the target, not the temporary file talosctl printed
    const result2 = records.find((r) => r.type === 'command-result');
    expect(JSON.stringify(result2)).toContain(JSON.stringify(target).slice(1, -1));
    expect(JSON.stringify(records)).toContain('"revision":4193');
  });

  it('a target that appears during the call is kept; the step fails naming it', async () => {
    const d = dir();
    const target = join(d, 'etcd.snapshot');
    const fake = snapshotting(() => writeFileSync(target, 'written by someone else meanwhile\n'));
    const { result, records } = await go({ fake, text: SNAPSHOT_RUNBOOK, params: params(target) });
    expect(result).toMatchObject({ outcome: 'failed', exitCode: 1, stepId: 'snapshot' });
    expect(snapshotCalls(fake)).toHaveLength(1);
    expect(result.message ?? '').toContain('exit 1');
    expect(failureText(records)).toContain(`${target} appeared while the command ran: it was not replaced`);
    expect(readFileSync(target, 'utf8')).toBe('written by someone else meanwhile\n');
    expect(readdirSync(d)).toEqual(['etcd.snapshot']);
  });
});
