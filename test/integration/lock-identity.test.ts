import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseClusterIds } from '../../src/engine/cluster-identity.js';
import { labClusterId } from '../../src/lab/shim-get.js';
import { runCli, TALOSCTL_LAB } from '../helpers/run-cli.js';

// Issue 15 on a real 3-member lab: the lock is keyed on the cluster id `talosctl get info` reads
// (the lab's: derived from its dir), so runs that reach the lab by different nodes and endpoints
// still exclude each other, and a signed log cut at its gate stop is caught by the witness.
const dir = mkdtempSync(join(tmpdir(), 'talos-dr-lock-identity-'));
const labDir = join(dir, 'lab');
const env = { TALOS_DR_LAB_DIR: labDir, TALOS_DR_LOCK_DIR: join(dir, 'locks'), TALOS_DR_STATE_DIR: join(dir, 'state') };
const lab = (...args: string[]) => runCli(['lab', ...args, '--dir', labDir], { env, timeoutMs: 120_000 });

const SLOW = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: slow, title: Wait for an alarm that never comes }
params:
  nodes: { type: nodes, description: control plane nodes }
steps:
  - id: wait-alarm
    wait: { check: alarm-active, with: { nodes: { ref: params.nodes }, alarm: NOSPACE }, timeout: 8s, interval: 1s }
`;

beforeAll(async () => {
  const up = await lab('up');
  expect(up.code, up.stderr).toBe(0);
}, 180_000);
afterAll(async () => {
  await lab('down');
}, 120_000);

describe('the cluster lock on the lab', () => {
  it('talosctl-lab get info answers the lab id on every member', async () => {
    const r = await execa(TALOSCTL_LAB, ['-n', '127.0.0.11,127.0.0.12,127.0.0.13', 'get', 'info', '-o', 'json'], {
      env,
      reject: false,
    });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(parseClusterIds(String(r.stdout))).toEqual(Array(3).fill(labClusterId(labDir)));
  });

  it('runs reaching the lab by other nodes and endpoints exclude each other (exit 5 naming the holder)', async () => {
    const book = join(dir, 'slow.yaml');
    writeFileSync(book, SLOW);
    const run = (nodes: string, extra: string[], log: string, operator: string) =>
      runCli(
        [
          'run',
          book,
          '--param',
          `nodes=${nodes}`,
          '--talosctl',
          TALOSCTL_LAB,
          '--operator',
          operator,
          '--log',
          join(dir, log),
          ...extra,
        ],
        { env },
      );
    const first = run('127.0.0.11', ['--endpoints', '127.0.0.11'], 'slow1.jsonl', 'alice');
    await new Promise((r) => setTimeout(r, 2000));
    for (const [nodes, extra] of [
      ['127.0.0.12,127.0.0.13', []],
      ['127.0.0.13', ['--endpoints', '127.0.0.12,127.0.0.13']],
    ] as const) {
      const second = await run(nodes, [...extra], `slow-${nodes}.jsonl`, 'bob');
      expect(second.code, second.stderr).toBe(5);
      expect(second.stderr).toContain('another run holds the cluster lock: operator alice');
    }
    expect((await first).code).toBe(1);
    const start = JSON.parse(readFileSync(join(dir, 'slow1.jsonl'), 'utf8').split('\n')[0] ?? '{}') as {
      payload: { cluster: unknown };
    };
    expect(start.payload.cluster).toMatchObject({ source: 'talos-cluster-id', value: labClusterId(labDir) });
    expect((await runCli(['log', 'verify', join(dir, 'slow1.jsonl'), '--witness', env.TALOS_DR_STATE_DIR])).code).toBe(
      0,
    );
  }, 90_000);
});
