import { describe, expect, it } from 'vitest';
import { verifyJournal } from '../../src/audit/verify.js';
import { Journal } from '../../src/engine/journal.js';
import { memorySink, steppingClock, writeSampleRun } from '../helpers/sample-log.js';
import { FULL_SCALE } from '../helpers/scale.js';

function sample(): string {
  const sink = memorySink();
  writeSampleRun(Journal.create('unused', { sink, clock: steppingClock() }));
  return sink.text();
}

/** 1-based line of a byte offset. */
function lineOf(buf: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (buf[i] === 0x0a) line++;
  return line;
}

describe('verifyJournal', () => {
  it('passes an untouched log', () => {
    expect(verifyJournal(sample())).toMatchObject({ ok: true, complete: true });
  });

  it('detects every single-byte edit, naming the record that holds the byte (or the one it merges into)', () => {
    const original = Buffer.from(sample(), 'utf8');
    let tried = 0;
    for (let i = 0; i < original.length; i++) {
      // unit: one of the three deltas in turn at each byte; the properties project: all three
      for (const delta of FULL_SCALE ? [1, 0x20, 0x80] : [[1, 0x20, 0x80][i % 3] ?? 1]) {
        const edited = Buffer.from(original);
        edited[i] = ((original[i] ?? 0) + delta) & 0xff;
        const v = verifyJournal(edited.toString('utf8'));
        tried++;
        if (v.ok) throw new Error(`edit at byte ${i} (+${delta}) went undetected`);
        // an edited newline merges two records: the first bad one is still the byte's own line
        expect(v.firstBadSeq, `byte ${i}`).toBe(lineOf(original, i));
        expect(v.line).toBe(v.firstBadSeq);
      }
    }
    expect(tried).toBeGreaterThan((FULL_SCALE ? 3 : 1) * 3000);
  });

  it('detects deleted, reordered, inserted and appended records', () => {
    const lines = sample().split('\n').slice(0, -1);
    const join = (ls: string[]) => `${ls.join('\n')}\n`;
    const del = verifyJournal(join([...lines.slice(0, 4), ...lines.slice(5)]));
    expect(del).toMatchObject({ ok: false, firstBadSeq: 5 });
    if (!del.ok) expect(del.reason).toBe('seq is 6, expected 5 (records deleted, reordered or inserted)');
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3] ?? '', swapped[2] ?? ''];
    expect(verifyJournal(join(swapped))).toMatchObject({ ok: false, firstBadSeq: 3 });
    // a record re-numbered to fit but not chained
    const foreign = JSON.parse(lines[1] ?? '');
    foreign.seq = 11;
    const appended = verifyJournal(join([...lines, JSON.stringify(foreign)]));
    expect(appended).toMatchObject({ ok: false, firstBadSeq: 11 });
    const first = verifyJournal(join(lines.slice(1)));
    expect(first).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('detects truncation inside a record and a missing final newline', () => {
    const text = sample();
    for (const cut of [1, 10, 200, text.length - 40, text.length - 1]) {
      const v = verifyJournal(text.slice(0, cut));
      expect(v.ok, `cut at ${cut}`).toBe(false);
    }
    const v = verifyJournal(text.slice(0, -1));
    expect(v).toMatchObject({ ok: false, firstBadSeq: 10 });
    if (!v.ok) expect(v.reason).toBe('truncated: the last line has no newline (an unfinished write or a cut file)');
  });

  it('accepts a log cut after a whole record but says it is not complete', () => {
    const lines = sample().split('\n');
    expect(verifyJournal(`${lines.slice(0, 4).join('\n')}\n`)).toMatchObject({ ok: true, complete: false });
    expect(verifyJournal('')).toMatchObject({ ok: false, firstBadSeq: 1 });
  });
});
