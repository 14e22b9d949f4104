import { describe, expect, it } from 'vitest';
import type { AnyRecord } from '../../src/audit/log-format.js';
import { describeSegment, nameRecords, RESUMABLE_EXIT_CODES, readSegments } from '../../src/audit/segments.js';

/**
 * The structure of a log (one run, then resumes only after a resumable stop), on records made
 * here: readSegments looks only at type, seq, the run-end and resume payloads, and signatures.
 */

type Spec = 'start' | 'step' | `end:${number}` | 'resume' | 'note';
const SIG = 'ed25519:x';

function log(specs: readonly Spec[], signed = false): AnyRecord[] {
  return specs.map((s, i) => {
    const seq = i + 1;
    const base = { v: 1, seq, time: '2026-12-07T00:00:00.000Z', prev: 'p', hash: 'h', ...(signed ? { sig: SIG } : {}) };
    if (s === 'start') return { ...base, type: 'run-start', payload: {} } as unknown as AnyRecord;
    if (s === 'step') return { ...base, type: 'step-start', payload: { step: 's', kind: 'talosctl' } } as AnyRecord;
    if (s === 'resume')
      return { ...base, type: 'deviation', payload: { step: null, kind: 'resume', detail: '' } } as AnyRecord;
    if (s === 'note')
      return { ...base, type: 'deviation', payload: { step: null, kind: 'override', detail: '' } } as AnyRecord;
    const exitCode = Number(s.slice(4));
    return {
      ...base,
      type: 'run-end',
      payload: { outcome: exitCode === 0 ? 'done' : 'stopped', exitCode },
    } as AnyRecord;
  });
}

describe('readSegments', () => {
  it('one run to a final end', () => {
    const r = readSegments(log(['start', 'step', 'end:0']));
    expect(r).toEqual({
      ok: true,
      segments: [
        { n: 1, from: 1, to: 3, opener: 'run-start', end: { seq: 3, outcome: 'done', exitCode: 0 }, signed: false },
      ],
      ending: { kind: 'final', seq: 3, outcome: 'done', exitCode: 0 },
    });
  });

  it('a stop at a gate, a resume interrupted, a resume to the end: three segments', () => {
    const r = readSegments(log(['start', 'end:3', 'resume', 'step', 'end:130', 'resume', 'end:0'], true));
    if (!r.ok) throw new Error(r.reason);
    expect(r.segments.map(describeSegment)).toEqual([
      '1. records 1–2: the run, run-end #2 stopped (exit 3); signed',
      '2. records 3–5: a resume, run-end #5 stopped (exit 130); signed',
      '3. records 6–7: a resume, run-end #7 done (exit 0); signed',
    ]);
    expect(r.ending.kind).toBe('final');
  });

  it('ends resumable at exit 3 or 130, and without a run-end after a crash', () => {
    for (const code of RESUMABLE_EXIT_CODES) {
      const r = readSegments(log(['start', `end:${code}`]));
      expect(r.ok && r.ending).toEqual({ kind: 'resumable', seq: 2, outcome: 'stopped', exitCode: code });
    }
    const crash = readSegments(log(['start', 'step', 'step']));
    expect(crash.ok && crash.ending).toEqual({ kind: 'no-run-end', lastSeq: 3 });
    expect(crash.ok && crash.segments.map(describeSegment)).toEqual([
      '1. records 1–3: the run, no run-end (crashed, killed, or cut); not sealed',
    ]);
    // a crash, then a resume: the resume opens the next segment without a run-end before it
    const again = readSegments(log(['start', 'step', 'resume', 'end:0']));
    expect(again.ok && again.segments.map((s) => [s.from, s.to, s.end?.seq ?? null])).toEqual([
      [1, 2, null],
      [3, 4, 4],
    ]);
  });

  it.each([
    [
      ['start', 'end:0', 'resume', 'end:0'],
      3,
      'a resume after the final run-end #2 (done, exit 0): only a stop with exit 3 or 130 is resumed',
    ],
    [['start', 'end:1', 'resume'], 3, 'a resume after the final run-end #2 (stopped, exit 1)'],
    [
      ['start', 'end:3', 'step'],
      3,
      'step-start follows the run-end #2 but is not a resume record (appended after the run ended)',
    ],
    [['start', 'end:3', 'note'], 3, 'deviation follows the run-end #2 but is not a resume record'],
    [['start', 'step', 'start'], 3, 'a second run-start: a log holds one run (inserted or spliced)'],
    [['step', 'start'], 1, 'the log does not begin with a run-start'],
    [[], 1, 'the log is empty: no run-start record'],
  ] as const)('refuses %j at record %i', (specs, seq, reason) => {
    const r = readSegments(log(specs));
    expect(r.ok).toBe(false);
    expect(r.ok ? undefined : r.firstBadSeq).toBe(seq);
    expect(r.ok ? '' : r.reason).toContain(reason);
  });

  it('a segment is signed only when its opener and its run-end both are', () => {
    const records = log(['start', 'step', 'end:0'], true);
    const unsignedEnd = records.map((r) => (r.seq === 3 ? ({ ...r, sig: undefined } as AnyRecord) : r));
    const unsignedStart = records.map((r) => (r.seq === 1 ? ({ ...r, sig: undefined } as AnyRecord) : r));
    expect(readSegments(records).ok && readSegments(records)).toMatchObject({ segments: [{ signed: true }] });
    for (const rs of [unsignedEnd, unsignedStart]) {
      const r = readSegments(rs);
      expect(r.ok && r.segments[0]?.signed).toBe(false);
      expect(r.ok && describeSegment(r.segments[0] as never)).toMatch(/; not signed$/);
    }
  });
});

describe('nameRecords', () => {
  const records = log(['start', 'step', 'step', 'step', 'step', 'end:0']);
  it('names each record by type and seq, at most max, and counts the rest', () => {
    expect(nameRecords(records, 2, 2)).toBe('record 2 (step-start #2)');
    expect(nameRecords(records, 1, 6, 3)).toBe('records 1–6 (run-start #1, step-start #2, step-start #3, and 3 more)');
    expect(nameRecords(records, 5, 6)).toBe('records 5–6 (step-start #5, run-end #6)');
  });
});
