import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { survivors } from '../../scripts/reliability/broken-talosctl.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * Issue #16: a hung or black-holed node never stalls a read. `talos-dr run health-check` through
 * the built CLI, with a stand-in talosctl that never answers one node (RECORD_HANG_NODES), or any
 * node: the verdict comes within 30 s wall time, the exit is non-zero, the nodes that did not
 * answer are named, and no stand-in process is left behind.
 */

const STAND_IN = fileURLToPath(new URL('../../fixtures/bin/record-talosctl.mjs', import.meta.url));
const NODES = ['10.5.0.2', '10.5.0.3', '10.5.0.4'];
const BOUND_MS = 30_000;

async function healthCheck(hang: string, only = '') {
  const dir = mkdtempSync(join(tmpdir(), 'tdr-hung-'));
  const pids = mkdtempSync(join(dir, 'pids-'));
  const rec = join(dir, 'argv.jsonl');
  writeFileSync(rec, '["etcd","alarm","disarm"]\n'); // the stand-in's NOSPACE alarm is cleared
  const log = join(dir, 'run.jsonl');
  const started = performance.now();
  const r = await runCli(
    ['run', 'health-check', '--param', `nodes=${NODES.join(',')}`, '--talosctl', STAND_IN, '--log', log],
    {
      cwd: dir,
      env: { CI: 'true', RECORD_ARGV: rec, RECORD_HANG_NODES: hang, RECORD_HANG_ONLY: only, RECORD_PID_DIR: pids },
      timeoutMs: 120_000,
    },
  );
  const wallMs = performance.now() - started;
  const hung = readdirSync(pids).map(Number);
  const records = readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; payload: Record<string, unknown> });
  return { r, wallMs, hung, records };
}

describe('health-check with nodes that never answer (real CLI, stand-in talosctl)', () => {
  it(
    'one hung node: verdict within 30 s, exit 1, the node named, nothing left running',
    { timeout: 120_000 },
    async () => {
      const { r, wallMs, hung, records } = await healthCheck('10.5.0.3');
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(wallMs).toBeLessThanOrEqual(BOUND_MS);
      expect(r.stdout).toMatch(/Did not answer: 10\.5\.0\.3 \(talosctl .* after \d+\.\ds\)$/m);
      expect(r.stdout).not.toMatch(/Did not answer:.*10\.5\.0\.[24]/);
      // later reads of it fail at once, said so in the journal
      const notAsked = records.filter((x) => x.type === 'command-result' && x.payload.notAsked !== undefined);
      expect(notAsked.length).toBeGreaterThan(0);
      expect(notAsked.every((x) => x.payload.node === '10.5.0.3')).toBe(true);
      expect(records.at(-1)?.payload.unanswered).toEqual(['10.5.0.3']);
      expect(hung.length).toBeGreaterThan(0);
      for (const pid of hung) expect(survivors(pid, [pid]), `stand-in ${pid}`).toEqual([]);
    },
  );

  it(
    'every node hung: verdict within 30 s, exit 1, every node named, nothing left running',
    { timeout: 120_000 },
    async () => {
      const { r, wallMs, hung, records } = await healthCheck('*');
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(wallMs).toBeLessThanOrEqual(BOUND_MS);
      const line = r.stdout.split('\n').find((l) => l.includes('Did not answer:')) ?? '';
      for (const n of NODES) expect(line).toContain(n);
      expect(records.at(-1)?.payload.unanswered).toEqual(NODES);
      expect(hung.length).toBeGreaterThanOrEqual(NODES.length);
      for (const pid of hung) expect(survivors(pid, [pid]), `stand-in ${pid}`).toEqual([]);
    },
  );

  it(
    'one node whose etcd never answers (its apid does): the first read times out, later ones are not asked',
    { timeout: 120_000 },
    async () => {
      const { r, wallMs, hung, records } = await healthCheck('10.5.0.3', 'etcd');
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(wallMs).toBeLessThanOrEqual(BOUND_MS);
      expect(r.stdout).toContain('✘ 10.5.0.3: did not answer (talosctl timed out after 10.');
      expect(r.stdout).toMatch(/Did not answer: 10\.5\.0\.3 \(talosctl etcd members after \d+\.\ds\)$/m);
      const timedOut = records.filter((x) => x.type === 'command-result' && x.payload.timedOut === true);
      expect(timedOut.filter((x) => x.payload.notAsked === undefined)).toHaveLength(1);
      expect(timedOut.length).toBeGreaterThan(1);
      expect(hung).toHaveLength(1);
      for (const pid of hung) expect(survivors(pid, [pid]), `stand-in ${pid}`).toEqual([]);
    },
  );
});
