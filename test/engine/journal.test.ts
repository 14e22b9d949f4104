import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS, hashRecord } from '../../src/audit/log-format.js';
import { makeRedactor, REDACTED, talosconfigSecrets } from '../../src/audit/redact.js';
import { formatTimeline } from '../../src/audit/timeline.js';
import { verifyJournal } from '../../src/audit/verify.js';
import { Journal, openFileSink, readJournal } from '../../src/engine/journal.js';
import { isTalosDrError } from '../../src/io/errors.js';
import { memorySink, steppingClock, writeSampleRun } from '../helpers/sample-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'tdr-journal-'));
  dirs.push(d);
  return d;
}

function sampleText(): string {
  const sink = memorySink();
  writeSampleRun(Journal.create('unused', { sink, clock: steppingClock() }));
  return sink.text();
}

describe('journal', () => {
  it('round-trips through a real file and verifies', () => {
    const path = join(tmp(), 'run.jsonl');
    const j = Journal.create(path, { clock: steppingClock() });
    writeSampleRun(j);
    j.close();
    const { records, errors } = readJournal(path);
    expect(errors).toEqual([]);
    expect(records.map((r) => r.type)).toEqual([
      'run-start',
      'step-start',
      'command-intent',
      'command-result',
      'check',
      'approval-request',
      'approval',
      'deviation',
      'step-end',
      'run-end',
    ]);
    expect(records[0]?.prev).toBe(GENESIS);
    expect(records[1]?.prev).toBe(records[0]?.hash);
    expect(records[3]).toMatchObject({ seq: 4, time: '2026-11-24T03:00:03.000Z', payload: { stderr: 'ünïcode ✓' } });
    const v = verifyJournal(readFileSync(path, 'utf8'));
    expect(v).toMatchObject({ ok: true, complete: true, head: records[9]?.hash });
    expect(readFileSync(path, 'utf8')).toBe(sampleText());
  });

  it('hashes the canonical form of {v, seq, time, type, payload, prev}', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: 'x' }], u: undefined })).toBe('{"a":[{"c":"x","d":1}],"b":1}');
    const [first] = readLines(sampleText());
    const r = JSON.parse(first ?? '');
    expect(r.hash).toBe(hashRecord(r));
  });

  it('fsyncs after every durable record (intents, results, approvals, run start/end), not after the others', () => {
    const sink = memorySink();
    writeSampleRun(Journal.create('unused', { sink, clock: steppingClock() }));
    // line counts at each fsync: run-start 1, intent 3, result 4, approval 7, deviation 8, run-end 10
    expect(sink.syncs).toEqual([1, 3, 4, 7, 8, 10]);
  });

  it('does not fsync the result of a read: only a change must be on disk before the run goes on', () => {
    const sink = memorySink();
    const j = Journal.create('unused', { sink, clock: steppingClock() });
    const result = { node: '10.5.0.2', exitCode: 0, durationMs: 1, stdout: '', stderr: '', timedOut: false };
    j.append('command-result', { step: 'read', argv: ['etcd', 'status'], ...result });
    j.append('command-result', { step: 'defrag', argv: ['etcd', 'defrag'], ...result });
    expect(sink.syncs).toEqual([2]);
  });

  it('fsyncs the real file sink without error and refuses to overwrite a log', () => {
    const path = join(tmp(), 'run.jsonl');
    const sink = openFileSink(path);
    sink.append('x\n');
    sink.sync();
    sink.close();
    sink.close();
    try {
      Journal.create(path);
      expect.unreachable();
    } catch (e) {
      expect(isTalosDrError(e) && e.code).toBe('TDR_LOG_EXISTS');
    }
  });

  it('resumes a log: the chain continues from the last record', () => {
    const path = join(tmp(), 'run.jsonl');
    const j = Journal.create(path, { clock: steppingClock() });
    j.append('run-start', {
      runbook: 'x',
      runbookSha256: 'b'.repeat(64),
      params: {},
      operator: 'o',
      host: 'h',
      toolVersion: '0',
      talosctlVersion: null,
      dryRun: true,
    });
    j.close();
    const { journal, records } = Journal.resume(path, { clock: steppingClock() });
    expect(records).toHaveLength(1);
    journal.append('deviation', { step: null, kind: 'resume', detail: 'resumed after exit 3' });
    journal.close();
    expect(verifyJournal(readFileSync(path, 'utf8'))).toMatchObject({
      ok: true,
      complete: false,
      records: { length: 2 },
    });
    writeFileSync(path, readFileSync(path, 'utf8').replace('resumed', 'RESUMED'));
    expect(() => Journal.resume(path)).toThrow(/record 2 \(line 2\): hash mismatch/);
  });

  it('never writes secrets: secret params and talosconfig keys are redacted everywhere', () => {
    const key = 'LS0tLS1CRUdJTiBFRDI1NTE5IFBSSVZBVEUgS0VZLS0tLS0K';
    const cfg = `context: lab\ncontexts:\n  lab:\n    ca: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ\n    key: ${key}\n`;
    const redact = makeRedactor({
      secretParams: ['token'],
      secretValues: [...talosconfigSecrets(cfg), 'hunter2-secret'],
    });
    const sink = memorySink();
    const j = Journal.create('unused', { sink, clock: steppingClock(), redact });
    j.append('run-start', {
      runbook: 'x',
      runbookSha256: 'c'.repeat(64),
      params: { token: 'hunter2-secret', nodes: 'a' },
      operator: 'o',
      host: 'h',
      toolVersion: '0',
      talosctlVersion: null,
      dryRun: false,
    });
    j.append('command-result', {
      step: 's',
      argv: ['--token', 'hunter2-secret'],
      node: null,
      exitCode: 1,
      durationMs: 5,
      stdout: cfg,
      stderr: `bad key ${key}`,
      timedOut: false,
    });
    const text = sink.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain(key);
    expect(text).not.toContain('LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJQ');
    expect(text).toContain(`"token":"${REDACTED}"`);
    expect(verifyJournal(text).ok).toBe(true);
  });

  it('shows a readable timeline', () => {
    const { records } = verifyJournal(sampleText());
    const lines = formatTimeline(records).split('\n');
    expect(lines[2]).toBe(
      '2026-11-24T03:00:02.000Z     3  command-intent   about to run talosctl -n 127.0.0.11 etcd defrag (node 127.0.0.11) [mutating]',
    );
    expect(lines[3]).toBe(
      '2026-11-24T03:00:03.000Z     4  command-result   talosctl -n 127.0.0.11 etcd defrag (node 127.0.0.11) → exit 0 in 1.2 s',
    );
    expect(lines[6]).toContain('approved by alice via the terminal');
  });
});

function readLines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}
