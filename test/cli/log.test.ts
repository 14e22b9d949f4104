import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    expect(r.stdout).toMatch(
      /^log intact: 10 records, runbook nospace-recovery, chain head [0-9a-f]{64}\nsegments: 1 \(the run\)\n {2}1\. records 1–10: the run, run-end #10 done \(exit 0\); not signed\nnot signed: .*\nends at a final outcome: run-end #10 done \(exit 0\); nothing can be resumed after it$/,
    );
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
  it('prints the report: header, deviations, then the timeline with commands, durations and approvals', async () => {
    const r = await runCli(['log', 'show', log]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Run report: nospace-recovery');
    expect(r.stdout).toContain('Chain       verified: 10 records, hash chain intact');
    expect(r.stdout).toContain('MUTATING talosctl -n 127.0.0.11 etcd defrag\n        node 127.0.0.11; exit 0 in 1.2 s');
    expect(r.stdout).toContain('answer: APPROVED by alice, typed at the terminal, at 2026-11-24T03:00:07.000Z');
    expect(r.stdout).toContain('RUN ENDED: done (exit 0)');
    expect(r.stdout.indexOf('Deviations (1)')).toBeLessThan(r.stdout.indexOf('Timeline ('));
  });

  it('prints the JSON report with --json (an alias of --format json)', async () => {
    const r = await runCli(['log', 'show', log, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      format: 'talos-dr-report',
      version: 1,
      integrity: { records: 10, chain: { ok: true } },
    });
    expect(doc.timeline.at(-1)).toMatchObject({ kind: 'end', seq: 10, outcome: 'done', exitCode: 0 });
    expect((await runCli(['log', 'show', log, '--format', 'json'])).stdout).toBe(r.stdout);
  });

  it('writes one self-contained HTML file with --format html --out', async () => {
    const out = join(dir, 'report.html');
    const r = await runCli(['log', 'show', log, '--format', 'html', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^report written to .*report\.html \(\d+ bytes\)$/);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script|<link|src=|href=/);
  });

  it('refuses an unknown format with exit 2', async () => {
    const r = await runCli(['log', 'show', log, '--format', 'pdf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--format "pdf": unknown format');
  });
});

describe('talos-dr log keygen, verify --key, replay', () => {
  it('signs nothing by itself, but a key pair from keygen verifies a signed log and rejects another key', async () => {
    const k = await runCli(['log', 'keygen', '--out', join(dir, 'ops')]);
    expect(k.code).toBe(0);
    expect(k.stdout).toMatch(/^private key: .*ops\.key \(mode 0600/);
    const signed = fileURLToPath(new URL('../../fixtures/logs/restore-from-snapshot.jsonl', import.meta.url));
    const pub = fileURLToPath(new URL('../../fixtures/keys/audit-test.pub', import.meta.url));
    const ok = await runCli(['log', 'verify', signed, '--key', pub]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /\nsignatures verified with key sha256:[0-9a-f]{64}: 13 checkpoints, sealed by the signed run-end #65\nends at a final outcome/,
    );
    const wrong = await runCli(['log', 'verify', signed, '--key', join(dir, 'ops.pub')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toMatch(/^log signature check failed: record 1: signed with key sha256:/);
    const unsigned = await runCli(['log', 'verify', log, '--key', pub]);
    expect(unsigned.code).toBe(1);
    expect(unsigned.stdout).toBe(
      'log signature check failed: record 1: the log is not signed: its run-start names no key',
    );
    const missing = await runCli(['log', 'verify', signed, '--key', join(dir, 'nope.pub')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--key');
  });

  it('replay exits 0 when every verdict agrees', async () => {
    const signed = fileURLToPath(new URL('../../fixtures/logs/restore-from-snapshot.jsonl', import.meta.url));
    const r = await runCli(['log', 'replay', signed]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      "all 5 replayed verdicts agree with today's parsers and checks (5 check records, 0 not replayable)",
    );
    expect((await runCli(['log', 'replay', join(dir, 'nope.jsonl')])).code).toBe(2);
  });
});
