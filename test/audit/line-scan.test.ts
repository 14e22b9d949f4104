import { describe, expect, it } from 'vitest';
import { lineEnd, lineRecord, SPAN, scanLine } from '../../src/audit/line-scan.js';
import { formatRecordLine, GENESIS, type LogRecord, makeRecord } from '../../src/audit/log-format.js';

/**
 * The fast path of the byte verifier answers "certainly good" (the hash) or "not sure"
 * (undefined), never "bad": any line it accepts must be exactly the journal's canonical line.
 */

const time = '2026-12-07T02:00:00.000Z';
const start = makeRecord('run-start', { runbook: 'x', params: { nodes: ['n1'] } } as never, {
  seq: 1,
  time,
  prev: GENESIS,
});
const first = makeRecord(
  'step-start',
  { step: 'defrag', kind: 'talosctl', title: 'one node' },
  { seq: 2, time, prev: start.hash },
);
const second = makeRecord('run-end', { outcome: 'done', exitCode: 0 }, { seq: 3, time, prev: first.hash });

/** scanLine over one line (the buffer ends after its newline, as in a log). */
function scan(r: LogRecord, line = `${formatRecordLine(r)}\n`, n = r.seq, prev = r.prev) {
  const b = Buffer.from(line, 'utf8');
  const spans = new Int32Array(SPAN);
  return { b, spans, hash: scanLine(b, 0, b.length, n, prev, spans, 0) };
}

describe('scanLine', () => {
  it('accepts the canonical line: its hash, its newline, its record', () => {
    const { b, spans, hash } = scan(first);
    expect(hash).toBe(first.hash);
    expect(lineEnd(spans, 0)).toBe(b.length - 1);
    const r = lineRecord(b, spans, 0);
    expect({ seq: r.seq, type: r.type, time: r.time, prev: r.prev, hash: r.hash, payload: r.payload }).toEqual({
      seq: 2,
      type: 'step-start',
      time: first.time,
      prev: start.hash,
      hash: first.hash,
      payload: first.payload,
    });
    expect(scan(second).hash).toBe(second.hash);
    expect(scan(start).hash).toBe(start.hash);
  });

  it('record 1 must be a run-start; a later run-start is left to the structure check (segments.ts)', () => {
    expect(scan(first, undefined, 1, first.prev).hash).toBeUndefined();
    const lateStart = makeRecord('run-start', start.payload, { seq: 2, time, prev: start.hash });
    expect(scan(lateStart).hash).toBe(lateStart.hash);
  });

  it('escaped or non-ASCII text may go the slow way, but is never given another hash', () => {
    const r = makeRecord(
      'step-start',
      { step: 'défrag', kind: 'talosctl', title: 'a "quoted"\ttitle' },
      { seq: 2, time, prev: start.hash },
    );
    expect([undefined, r.hash]).toContain(scan(r).hash);
  });

  it('is not sure of a line numbered otherwise, chained to another record, or with keys out of order', () => {
    expect(scan(first, undefined, 3).hash).toBeUndefined();
    expect(scan(first, undefined, 2, 'f'.repeat(64)).hash).toBeUndefined();
    const reordered = formatRecordLine(first).replace(
      '{"kind":"talosctl","step":"defrag","title":"one node"}',
      '{"step":"defrag","kind":"talosctl","title":"one node"}',
    );
    expect(reordered).not.toBe(formatRecordLine(first));
    expect(scan(first, `${reordered}\n`).hash).toBeUndefined();
    expect(scan(first, `${formatRecordLine(first).replace('{"v":1,', '{"v":1, ')}\n`).hash).toBeUndefined();
  });

  it('accepts no single-byte edit of a line, anywhere in it', () => {
    const line = Buffer.from(`${formatRecordLine(second)}\n`, 'utf8');
    expect(scan(second).hash).toBe(second.hash);
    const accepted: number[] = [];
    for (let i = 0; i < line.length - 1; i++)
      for (const delta of [1, 0x20, 0x80]) {
        const b = Buffer.from(line);
        b[i] = ((line[i] ?? 0) + delta) & 0xff;
        if (scanLine(b, 0, b.length, 3, first.hash, new Int32Array(SPAN), 0) !== undefined) accepted.push(i);
      }
    expect(accepted).toEqual([]);
  });

  it('reads a signature and puts the newline after it', () => {
    const signed = { ...second, sig: 'ed25519:AAAA' };
    const { b, spans, hash } = scan(signed);
    expect(hash).toBe(second.hash);
    expect(lineEnd(spans, 0)).toBe(b.length - 1);
    expect(lineRecord(b, spans, 0).sig).toBe('ed25519:AAAA');
  });
});
