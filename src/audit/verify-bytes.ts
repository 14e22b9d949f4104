import { isUtf8 } from 'node:buffer';
import { hash } from 'node:crypto';
import { canonicalObjectEnd } from './canonical-scan.js';
import { type AnyRecord, GENESIS, RECORD_TYPES, type RecordType } from './log-format.js';
import { checkRecordLine, type VerifyResult, verifyJournal } from './verify.js';

/**
 * verifyJournal over the file's bytes, for `log verify`: the same verdict, the same messages, at
 * several times the speed. A line written by the journal is checked in its bytes: its envelope is
 * matched field by field, its payload is recognised as canonical JSON (canonical-scan.ts) without
 * JSON.parse, and the hash is taken over the bytes the format defines (the canonical JSON of
 * {payload, prev, seq, time, type, v}: the line's own payload bytes and envelope values, reordered).
 * Anything this fast path is not sure of (an edited line, an escape, a key out of order, a
 * mismatch of any kind) is handed to checkRecordLine, the exact check verifyJournal makes, which
 * gives the verdict and its message. The fast path only ever accepts lines that check accepts.
 *
 * Records accepted here parse their payload only when it is read (the signature check reads the
 * few it needs).
 */
export function verifyJournalBytes(buf: Buffer): VerifyResult {
  // every line valid UTF-8 means its bytes are what verifyJournal's decoded line re-encodes to
  if (buf.length === 0 || !isUtf8(buf)) return verifyJournal(buf.toString('utf8'));
  const records: AnyRecord[] = [];
  let prev = GENESIS;
  let start = 0;
  let n = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, start);
    if (nl < 0) break;
    n++;
    const fast = fastLine(buf, start, nl, n, prev);
    let r: AnyRecord;
    if (fast !== undefined) r = fast;
    else {
      const c = checkRecordLine(buf.toString('utf8', start, nl), n, prev);
      if (!c.ok) return { ok: false, firstBadSeq: n, line: n, reason: c.reason, records };
      r = c.record;
    }
    records.push(r);
    prev = r.hash;
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
  const tail = records[records.length - 1];
  return { ok: true, records, head: prev, complete: tail?.type === 'run-end' };
}

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const HEAD = ascii('{"v":1,"seq":');
const TIME = ascii(',"time":"');
const TYPE = ascii('","type":"');
const PAYLOAD = ascii('","payload":');
const PREV = ascii(',"prev":"');
const HASH = ascii('","hash":"');
const SIG = ascii('","sig":"');
// the hashed body: {"payload":P,"prev":"…","seq":N,"time":"…","type":"…","v":1}
const B_PAYLOAD = ascii('{"payload":');
const B_SEQ = ascii('","seq":');
const B_END = ascii('","v":1}');

let scratch = Buffer.alloc(1 << 16);

/**
 * The record on line n (bytes [s, e)) if it is certainly good: exactly the journal's canonical
 * line, numbered n, chained to prev, its stored hash the one computed. Undefined if not sure.
 */
function fastLine(b: Buffer, s: number, e: number, n: number, prev: string): AnyRecord | undefined {
  let i = match(b, s, e, HEAD);
  if (i < 0) return undefined;
  const seqAt = i;
  let seq = 0;
  while (i < e && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39 && i - seqAt < 15)
    seq = seq * 10 + (b[i++] as number) - 0x30;
  if (i === seqAt || b[seqAt] === 0x30 || seq !== n) return undefined;
  const seqEnd = i;
  i = match(b, i, e, TIME);
  if (i < 0) return undefined;
  const timeAt = i;
  const timeEnd = plainString(b, i, e);
  if (timeEnd < 0) return undefined;
  i = timeEnd;
  i = match(b, i, e, TYPE);
  if (i < 0) return undefined;
  const typeAt = i;
  const typeEnd = plainString(b, i, e);
  if (typeEnd < 0) return undefined;
  i = typeEnd;
  const type = recordType(b, typeAt, typeEnd);
  if (type === undefined || (n === 1 && type !== 'run-start')) return undefined;
  i = match(b, i, e, PAYLOAD);
  if (i < 0) return undefined;
  const payloadAt = i;
  const payloadEnd = canonicalObjectEnd(b, i, e);
  if (payloadEnd < 0) return undefined;
  i = match(b, payloadEnd, e, PREV);
  if (i < 0 || i + 64 > e) return undefined;
  for (let k = 0; k < 64; k++) if (b[i + k] !== prev.charCodeAt(k)) return undefined;
  const prevAt = i;
  i = match(b, i + 64, e, HASH);
  if (i < 0 || i + 64 > e) return undefined;
  const hashAt = i;
  i += 64;
  let sig: string | undefined;
  if (i + 2 === e && b[i] === 0x22 && b[i + 1] === 0x7d) sig = undefined;
  else {
    i = match(b, i, e, SIG);
    if (i < 0) return undefined;
    const sigAt = i;
    i = plainString(b, i, e);
    if (i < 0 || i + 2 !== e || b[i + 1] !== 0x7d) return undefined;
    sig = b.toString('utf8', sigAt, i);
  }
  // the hashed body, in the order of its sorted keys, from the line's own bytes
  const len =
    11 +
    (payloadEnd - payloadAt) +
    9 +
    64 +
    8 +
    (seqEnd - seqAt) +
    9 +
    (timeEnd - timeAt) +
    10 +
    (typeEnd - typeAt) +
    8;
  if (scratch.length < len) scratch = Buffer.alloc(2 * len);
  let o = put(scratch, 0, B_PAYLOAD, 0, B_PAYLOAD.length);
  o += b.copy(scratch, o, payloadAt, payloadEnd);
  o = put(scratch, o, PREV, 0, PREV.length);
  o = put(scratch, o, b, prevAt, prevAt + 64);
  o = put(scratch, o, B_SEQ, 0, B_SEQ.length);
  o = put(scratch, o, b, seqAt, seqEnd);
  o = put(scratch, o, TIME, 0, TIME.length);
  o = put(scratch, o, b, timeAt, timeEnd);
  o = put(scratch, o, TYPE, 0, TYPE.length);
  o = put(scratch, o, b, typeAt, typeEnd);
  o = put(scratch, o, B_END, 0, B_END.length);
  const computed = hash('sha256', scratch.subarray(0, o), 'hex');
  for (let k = 0; k < 64; k++) if (b[hashAt + k] !== computed.charCodeAt(k)) return undefined;
  return new LineRecord(
    b,
    seq,
    type,
    prev,
    computed,
    sig,
    timeAt,
    timeEnd,
    payloadAt,
    payloadEnd,
  ) as unknown as AnyRecord;
}

const TYPES = (Object.keys(RECORD_TYPES) as RecordType[]).map((t) => ({ type: t, bytes: ascii(t) }));

/** The record type named by bytes [s, e), without making a string. */
function recordType(b: Buffer, s: number, e: number): RecordType | undefined {
  for (const t of TYPES) if (t.bytes.length === e - s && match(b, s, e, t.bytes) === e) return t.type;
  return undefined;
}

/** The index after `lit` if the bytes at i are `lit`, else -1. */
function match(b: Buffer, i: number, e: number, lit: Buffer): number {
  if (i + lit.length > e) return -1;
  for (let k = 0; k < lit.length; k++) if (b[i + k] !== lit[k]) return -1;
  return i + lit.length;
}

/** The closing quote of a string JSON.stringify writes without any escape (bytes >= 0x20, no `"` or `\`), or -1. */
function plainString(b: Buffer, i: number, e: number): number {
  for (let j = i; j < e; j++) {
    const c = b[j] as number;
    if (c === 0x22) return j;
    if (c < 0x20 || c === 0x5c) return -1;
  }
  return -1;
}

function put(dst: Buffer, o: number, src: Uint8Array, from: number, to: number): number {
  for (let k = from; k < to; k++) dst[o++] = src[k] as number;
  return o;
}

/**
 * A record read from a verified line: its short fields made, its time and payload decoded when
 * first read (payload and time are getters: read them, do not spread or serialise the record).
 */
class LineRecord {
  readonly v = 1;
  readonly sig?: string;
  #payload: unknown;
  constructor(
    buf: Buffer,
    seq: number,
    type: RecordType,
    prev: string,
    hash: string,
    sig: string | undefined,
    timeAt: number,
    timeEnd: number,
    payloadAt: number,
    payloadEnd: number,
  ) {
    this.seq = seq;
    this.type = type;
    this.prev = prev;
    this.hash = hash;
    if (sig !== undefined) this.sig = sig;
    this.#buf = buf;
    this.#timeAt = timeAt;
    this.#timeEnd = timeEnd;
    this.#payloadAt = payloadAt;
    this.#payloadEnd = payloadEnd;
  }
  readonly seq: number;
  readonly type: RecordType;
  readonly prev: string;
  readonly hash: string;
  readonly #buf: Buffer;
  readonly #timeAt: number;
  readonly #timeEnd: number;
  readonly #payloadAt: number;
  readonly #payloadEnd: number;
  get time(): string {
    return this.#buf.toString('utf8', this.#timeAt, this.#timeEnd);
  }
  get payload(): unknown {
    if (this.#payload === undefined)
      this.#payload = JSON.parse(this.#buf.toString('utf8', this.#payloadAt, this.#payloadEnd));
    return this.#payload;
  }
}
