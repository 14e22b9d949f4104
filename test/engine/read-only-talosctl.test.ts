import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { THROWAWAY_PREFIX } from '../../src/engine/cluster-reader.js';
import { readOnlyTalosctl } from '../../src/engine/read-only-talosctl.js';
import type { CommandResult, Talosctl } from '../../src/talos/talosctl.js';

/** The adapter of plan and dry runs passes what the registry classes read, and one local write. */
function recording(): Talosctl & { calls: string[][] } {
  const calls: string[][] = [];
  const ok = (args: readonly string[]): CommandResult => ({
    argv: [...args],
    binary: 'talosctl',
    node: '10.5.0.2',
    pid: undefined,
    exitCode: 0,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: 0,
    timedOut: false,
    canceled: false,
  });
  return {
    calls,
    binary: 'talosctl',
    run: async (_node, args) => {
      calls.push([...args]);
      return ok(args);
    },
    runEach: async (nodes, args) => nodes.map(() => ok(args)),
    clientVersion: async () => ({
      result: ok([]),
      version: { ok: false, error: { code: 'not-text', message: '', raw: '' } },
    }),
  };
}

describe('readOnlyTalosctl', () => {
  it.each([
    [['etcd', 'status']],
    [['service', 'etcd']],
    [['get', 'info', '--output', 'json']],
  ])('passes the read %j', async (argv) => {
    const inner = recording();
    await readOnlyTalosctl(inner).run('10.5.0.2', argv);
    expect(inner.calls).toEqual([argv]);
  });

  it.each([
    [['etcd', 'defrag']],
    [['service', 'etcd', 'stop']],
    [['apply-config', '-f', 'x.yaml', '--mode=reboot']],
    [['etcd', 'snapshot', '/var/backups/etcd.snapshot']],
    [['etcd', 'snapshot', join(tmpdir(), 'revision.snapshot')]],
    [['etcd', 'snapshot', join(tmpdir(), `${THROWAWAY_PREFIX}x`, '..', 'evil.db')]],
    [['etcd', 'status', '-n10.9.9.9']],
  ])('refuses %j before anything is spawned', async (argv) => {
    const inner = recording();
    await expect(readOnlyTalosctl(inner).run('10.5.0.2', argv)).rejects.toMatchObject({ code: 'TDR_DRY_RUN_REFUSED' });
    expect(inner.calls).toEqual([]);
  });

  it("lets the engine's throwaway revision snapshot through, only into its own fresh temp dir", async () => {
    const dir = mkdtempSync(join(tmpdir(), THROWAWAY_PREFIX));
    try {
      const inner = recording();
      const argv = ['etcd', 'snapshot', join(dir, 'revision.snapshot')];
      await readOnlyTalosctl(inner).run('10.5.0.2', argv);
      expect(inner.calls).toEqual([argv]);
      writeFileSync(join(dir, 'revision.snapshot'), 'x'); // an existing file is never a throwaway
      await expect(readOnlyTalosctl(inner).run('10.5.0.2', argv)).rejects.toMatchObject({
        code: 'TDR_DRY_RUN_REFUSED',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
