import { isUtf8 } from 'node:buffer';
import { lineEnd, lineRecord, SPAN, scanLine } from './line-scan.js';
import { type AnyRecord, GENESIS } from './log-format.js';
import { checkRecordLine, verifyJournal } from './verify.js';
import type { RecordList } from './verify-signatures.js';

/**
 * verifyJournal over the file's bytes, for `log verify`: the same verdict, the same messages, at
 * several times the speed. Each line first goes through scanLine (line-scan.ts: the line's bytes
 * checked and hashed without decoding or JSON.parse); a line it is not sure of (an edited line,
 * an escape, a key out of order, a mismatch of any kind) goes to checkRecordLine, the exact check
 * verifyJournal makes, which gives the verdict and its message. scanLine only ever accepts lines
 * checkRecordLine accepts, so the result is verifyJournal's (test/audit/verify-bytes.test.ts).
 *
 * The records come as a RecordList: a line's record is made only when it is read (a verify of an
 * unsigned log reads one), and then decodes its time, payload, prev and hash only when read.
 */
export type VerifyBytesResult =
  | { ok: true; records: RecordList; head: string; complete: boolean }
  | { ok: false; firstBadSeq: number; line: number; reason: string; records: RecordList };

export function verifyJournalBytes(buf: Buffer): VerifyBytesResult {
  // every line valid UTF-8 means its bytes are what verifyJournal's decoded line re-encodes to
  // (and spans are Int32: a log over 2 GiB, which readFileSync refuses anyway, takes the exact path)
  if (buf.length === 0 || buf.length > 0x7fffffff || !isUtf8(buf)) return verifyJournal(buf.toString('utf8'));
  const records = new LineRecords(buf);
  let prev = GENESIS;
  let start = 0;
  let n = 0;
  while (start < buf.length) {
    const computed = scanLine(buf, start, buf.length, n + 1, prev, records.slot(), records.length * SPAN);
    let nl: number;
    if (computed !== undefined) {
      nl = lineEnd(records.slot(), records.length * SPAN);
      records.pushScanned();
      prev = computed;
    } else {
      nl = buf.indexOf(0x0a, start);
      if (nl < 0) break;
      const c = checkRecordLine(buf.toString('utf8', start, nl), n + 1, prev);
      if (!c.ok) return { ok: false, firstBadSeq: n + 1, line: n + 1, reason: c.reason, records };
      records.pushRecord(c.record);
      prev = c.record.hash;
    }
    n++;
    start = nl + 1;
  }
  if (start < buf.length)
    return {
      ok: false,
      firstBadSeq: n + 1,
      line: n + 1,
      reason: 'truncated: the last line has no newline (an unfinished write or a cut file)',
      records,
    };
  return { ok: true, records, head: prev, complete: records.at(-1)?.type === 'run-end' };
}

/** The verified lines' spans (scanLine's), their records made on demand; records of the exact path kept as they are. */
class LineRecords implements RecordList {
  #spans: Int32Array;
  #count = 0;
  readonly #buf: Buffer;
  readonly #exact = new Map<number, AnyRecord>();
  constructor(buf: Buffer) {
    this.#buf = buf;
    this.#spans = new Int32Array(SPAN * Math.max(64, Math.ceil(buf.length / 256)));
  }
  get length(): number {
    return this.#count;
  }
  /** the spans array with room for one more line at length * SPAN */
  slot(): Int32Array {
    if ((this.#count + 1) * SPAN > this.#spans.length) {
      const more = new Int32Array(this.#spans.length * 2);
      more.set(this.#spans);
      this.#spans = more;
    }
    return this.#spans;
  }
  pushScanned(): void {
    this.#count++;
  }
  pushRecord(r: AnyRecord): void {
    this.slot();
    this.#exact.set(this.#count++, r);
  }
  at(index: number): AnyRecord | undefined {
    const i = index < 0 ? index + this.#count : index;
    if (i < 0 || i >= this.#count) return undefined;
    return this.#exact.get(i) ?? lineRecord(this.#buf, this.#spans, i * SPAN);
  }
  *[Symbol.iterator](): Iterator<AnyRecord> {
    for (let i = 0; i < this.#count; i++) yield this.at(i) as AnyRecord;
  }
}
