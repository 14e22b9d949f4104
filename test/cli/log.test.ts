import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../src/engine/journal.js';
import { runCli } from '../helpers/run-cli.js';
import { steppingClock, writeSampleRun } from '../helpers/sample-log.js';

let dir = '';
let log = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tdr-logcli-'));
  log = join(dir, 'run.jsonl');
  const j = Journal.create(log, { clock: steppingClock() });
  writeSampleRun(j);
  j.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('talos-dr log verify', () => {
  it('exits 0 for an intact log', async () => {
    const r = await runCli(['log', 'verify', log]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^log intact: 10 records, runbook nospace-recovery, chain head [0-9a-f]{64}$/);
  });

  it('exits 1 naming the first bad record of a tampered log', async () => {
    const bad = join(dir, 'tampered.jsonl');
    writeFileSync(bad, readFileSync(log, 'utf8').replace('"exitCode":0,', '"exitCode":1,'));
    const r = await runCli(['log', 'verify', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^log tampered: record 4 \(line 4\): hash mismatch: stored [0-9a-f]{12}…, computed [0-9a-f]{12}… \(the record was edited\)\n/,
    );
    expect(r.stdout).toContain('records 1–3 before it are intact');
  });

  it('exits 2 for a missing or unreadable file', async () => {
    const missing = await runCli(['log', 'verify', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.jsonl: no such file');
    const isDir = await runCli(['log', 'verify', dir]);
    expect(isDir.code).toBe(2);
    expect(isDir.stderr).toContain('cannot read the log (EISDIR)');
  });
});

describe('talos-dr log show', () => {
  it('prints a timeline with commands, durations and approvals', async () => {
    const r = await runCli(['log', 'show', log]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('chain intact (10 records)');
    expect(r.stdout).toContain(
      'command-result   talosctl -n 127.0.0.11 etcd defrag (node 127.0.0.11) → exit 0 in 1.2 s',
    );
    expect(r.stdout).toContain('approved by alice via the terminal');
    expect(r.stdout).toContain('run ended: done (exit 0)');
  });

  it('prints JSON with --json', async () => {
    const r = await runCli(['log', 'show', log, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.intact).toBe(true);
    expect(doc.records).toHaveLength(10);
    expect(doc.records[9]).toMatchObject({ seq: 10, type: 'run-end', summary: 'run ended: done (exit 0)' });
  });
});
