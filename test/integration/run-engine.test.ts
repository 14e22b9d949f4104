import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, TALOSCTL_LAB } from '../helpers/run-cli.js';

// The executor against a real 3-member lab (run under `flock /work/wt/lab.lock`).
const dir = mkdtempSync(join(tmpdir(), 'talos-dr-run-lab-'));
const env = { TALOS_DR_LAB_DIR: join(dir, 'lab'), TALOS_DR_LOCK_DIR: join(dir, 'locks') };
const ALL = '127.0.0.11,127.0.0.12,127.0.0.13';
const lab = (...args: string[]) => runCli(['lab', ...args, '--dir', env.TALOS_DR_LAB_DIR], { env, timeoutMs: 120_000 });

const READ_ONLY = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: look, title: Look at the cluster }
params:
  nodes: { type: nodes, description: control plane nodes }
steps:
  - id: leader
    precondition: { check: leader-elected, with: { nodes: { ref: params.nodes } } }
  - id: order
    read: { observe: rolling-order, with: { nodes: { ref: params.nodes } } }
  - id: status
    talosctl: [etcd, status]
    nodes: { ref: order.order }
  - id: no-learners
    postcondition: { check: no-learners, with: { nodes: { ref: params.nodes } } }
`;
const SLOW = `apiVersion: talos-dr/v1
kind: Runbook
metadata: { name: slow, title: Wait for an alarm that never comes }
params:
  nodes: { type: nodes, description: control plane nodes }
steps:
  - id: wait-alarm
    wait: { check: alarm-active, with: { nodes: { ref: params.nodes }, alarm: NOSPACE }, timeout: 6s, interval: 1s }
`;

beforeAll(async () => {
  const up = await lab('up');
  expect(up.code, up.stderr).toBe(0);
}, 180_000);
afterAll(async () => {
  await lab('down');
}, 120_000);

describe('run on the lab', () => {
  it('a read-only runbook ends 0 and its log verifies', async () => {
    const book = join(dir, 'look.yaml');
    writeFileSync(book, READ_ONLY);
    const log = join(dir, 'look.jsonl');
    const r = await runCli(['run', book, '--param', `nodes=${ALL}`, '--talosctl', TALOSCTL_LAB, '--log', log], { env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('PASS leader-elected');
    expect((await runCli(['log', 'verify', log])).code).toBe(0);
  }, 60_000);

  it('a second concurrent run on the same lab is refused with exit 5 naming the holder', async () => {
    const book = join(dir, 'slow.yaml');
    writeFileSync(book, SLOW);
    const args = ['run', book, '--param', `nodes=${ALL}`, '--talosctl', TALOSCTL_LAB, '--operator', 'alice'];
    const first = runCli([...args, '--log', join(dir, 'slow1.jsonl')], { env });
    await new Promise((r) => setTimeout(r, 1500));
    const second = await runCli([...args, '--log', join(dir, 'slow2.jsonl'), '--operator', 'bob'], { env });
    expect(second.code).toBe(5);
    expect(second.stderr).toContain('operator alice');
    expect((await first).code).toBe(1);
  }, 60_000);
});
