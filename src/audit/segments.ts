import type { AnyRecord } from './log-format.js';
import type { RecordList } from './verify-signatures.js';

/**
 * A log's segments: the run (run-start …) and each resume (its `resume` deviation …), each up to
 * its run-end or, after a crash, up to the next resume. What `log verify` reports and what resume
 * checks before appending. The structure is part of the format: a run-start only opens the log,
 * and after a run-end only a resume may follow, and only after a resumable stop (exit 3 or 130),
 * so records appended after a run-end are refused by the structure alone, signed or not.
 */

/** The exit codes after which `resume` may continue a log: stopped at a gate, interrupted. */
export const RESUMABLE_EXIT_CODES: ReadonlySet<number> = new Set([3, 130]);

export interface Segment {
  /** 1 for the run, 2… for each resume */
  n: number;
  /** seq of its opening record: the run-start, or the resume deviation */
  from: number;
  /** seq of its last record */
  to: number;
  opener: 'run-start' | 'resume';
  /** its run-end, or null when it stops without one (a crash, a kill, or a cut) */
  end: { seq: number; outcome: string; exitCode: number } | null;
  /** the opening record and the run-end (if any) carry a signature (checked by verifySignatures) */
  signed: boolean;
}

/** How the log ends: at a final outcome, at a stop a later resume may continue, or without a run-end. */
export type Ending =
  | { kind: 'final'; seq: number; outcome: string; exitCode: number }
  | { kind: 'resumable'; seq: number; outcome: string; exitCode: number }
  | { kind: 'no-run-end'; lastSeq: number };

export type SegmentsResult =
  | { ok: true; segments: Segment[]; ending: Ending }
  | { ok: false; firstBadSeq: number; reason: string };

function isResume(r: AnyRecord): boolean {
  return r.type === 'deviation' && r.payload.kind === 'resume';
}

/** Splits chain-verified records into segments, refusing a structure no run writes. */
export function readSegments(records: RecordList): SegmentsResult {
  const segments: Segment[] = [];
  let open: Segment | undefined;
  let lastEnd: { seq: number; outcome: string; exitCode: number } | undefined;
  let openerSigned = false;
  const bad = (firstBadSeq: number, reason: string): SegmentsResult => ({ ok: false, firstBadSeq, reason });
  for (const r of records) {
    if (r.type === 'run-start') {
      if (r.seq !== 1) return bad(r.seq, 'a second run-start: a log holds one run (inserted or spliced)');
      open = { n: 1, from: 1, to: 1, opener: 'run-start', end: null, signed: false };
      openerSigned = r.sig !== undefined;
      segments.push(open);
      continue;
    }
    if (open === undefined) return bad(r.seq, 'the log does not begin with a run-start');
    if (isResume(r)) {
      if (lastEnd !== undefined && !RESUMABLE_EXIT_CODES.has(lastEnd.exitCode))
        return bad(
          r.seq,
          `a resume after the final run-end #${lastEnd.seq} (${lastEnd.outcome}, exit ${lastEnd.exitCode}): only a stop with exit 3 or 130 is resumed`,
        );
      open = { n: segments.length + 1, from: r.seq, to: r.seq, opener: 'resume', end: null, signed: false };
      openerSigned = r.sig !== undefined;
      segments.push(open);
      lastEnd = undefined;
      continue;
    }
    if (lastEnd !== undefined)
      return bad(
        r.seq,
        `${r.type} follows the run-end #${lastEnd.seq} but is not a resume record (appended after the run ended)`,
      );
    open.to = r.seq;
    if (r.type === 'run-end') {
      lastEnd = { seq: r.seq, outcome: r.payload.outcome, exitCode: r.payload.exitCode };
      open.end = lastEnd;
      open.signed = openerSigned && r.sig !== undefined;
    }
  }
  if (open === undefined) return bad(1, 'the log is empty: no run-start record');
  const last = segments.at(-1) as Segment;
  const ending: Ending =
    last.end === null
      ? { kind: 'no-run-end', lastSeq: last.to }
      : { kind: RESUMABLE_EXIT_CODES.has(last.end.exitCode) ? 'resumable' : 'final', ...last.end };
  return { ok: true, segments, ending };
}

/** "records 15–17 (command-intent #15, command-result #16, step-start #17)", at most `max` named. */
export function nameRecords(records: RecordList, from: number, to: number, max = 6): string {
  const names: string[] = [];
  for (let seq = from; seq <= to && names.length < max; seq++) {
    const r = records.at(seq - 1);
    if (r) names.push(`${r.type} #${seq}`);
  }
  const more = to - from + 1 - names.length;
  const range = from === to ? `record ${from}` : `records ${from}–${to}`;
  return `${range} (${names.join(', ')}${more > 0 ? `, and ${more} more` : ''})`;
}

/** One line per segment, for `log verify`. */
export function describeSegment(s: Segment): string {
  const open = s.opener === 'run-start' ? 'the run' : 'a resume';
  const end =
    s.end === null
      ? 'no run-end (crashed, killed, or cut)'
      : `run-end #${s.end.seq} ${s.end.outcome} (exit ${s.end.exitCode})`;
  const range = s.from === s.to ? `record ${s.from}` : `records ${s.from}–${s.to}`;
  return `${s.n}. ${range}: ${open}, ${end}; ${s.signed ? 'signed' : s.end === null ? 'not sealed' : 'not signed'}`;
}
