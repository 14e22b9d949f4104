import { hash } from 'node:crypto';
import { canonicalObjectEnd } from './canonical-scan.js';
import { type AnyRecord, RECORD_TYPES, type RecordType } from './log-format.js';

/**
 * The fast check of one log line in its bytes (verify-bytes.ts runs it): the line must be exactly the journal's canonical line (envelope matched field
 * by field, payload recognised by canonical-scan.ts), numbered n, chained to prev, and its stored
 * hash the SHA-256 of the format's body, {"payload":P,"prev":…,"seq":…,"time":…,"type":…,"v":1},
 * made from the line's own bytes. It answers "certainly good" or "not sure", never "bad".
 */

/** Int32 slots per line in a spans array: seq, type index, time, payload and sig byte ranges. */
export const SPAN = 8;

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
const B_END = ascii(',"v":1}');

let scratch = Buffer.alloc(1 << 16);
B_PAYLOAD.copy(scratch);

/**
 * The computed hash of line n (from byte s, its newline before e) if the line is certainly good,
 * else undefined; its spans are written to out[at…at+SPAN) (lineEnd gives its newline). No
 * scanner accepts a byte below 0x20, so none reads past the newline.
 */
export function scanLine(
  b: Buffer,
  s: number,
  e: number,
  n: number,
  prev: string,
  out: Int32Array,
  at: number,
): string | undefined {
  let i = match(b, s, e, HEAD);
  if (i < 0) return undefined;
  const seqAt = i;
  let seq = 0;
  while (i < e && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39 && i - seqAt < 15)
    seq = seq * 10 + (b[i++] as number) - 0x30;
  if (i === seqAt || b[seqAt] === 0x30 || seq !== n || seq > 0x7fffffff) return undefined;
  i = match(b, i, e, TIME);
  if (i < 0) return undefined;
  const timeAt = i;
  const timeEnd = plainString(b, i, e);
  if (timeEnd < 0) return undefined;
  i = match(b, timeEnd, e, TYPE);
  if (i < 0) return undefined;
  const typeAt = i;
  const typeEnd = plainString(b, i, e);
  if (typeEnd < 0) return undefined;
  const type = recordTypeIndex(b, typeAt, typeEnd);
  if (type < 0 || (seq === 1 && type !== RUN_START)) return undefined;
  i = match(b, typeEnd, e, PAYLOAD);
  if (i < 0) return undefined;
  const payloadAt = i;
  const payloadEnd = canonicalObjectEnd(b, i, e);
  if (payloadEnd < 0) return undefined;
  i = match(b, payloadEnd, e, PREV);
  if (i < 0 || i + 64 > e) return undefined;
  if (b.toString('latin1', i, i + 64) !== prev) return undefined;
  i = match(b, i + 64, e, HASH);
  if (i < 0 || i + 64 > e) return undefined;
  const hashAt = i;
  i += 64;
  let sigAt = -1;
  let sigEnd = -1;
  if (!(i + 2 < e && b[i] === 0x22 && b[i + 1] === 0x7d && b[i + 2] === 0x0a)) {
    i = match(b, i, e, SIG);
    if (i < 0) return undefined;
    sigAt = i;
    sigEnd = plainString(b, i, e);
    if (sigEnd < 0 || sigEnd + 2 >= e || b[sigEnd + 1] !== 0x7d || b[sigEnd + 2] !== 0x0a) return undefined;
  }
  // The hashed body, {"payload":P,"prev":"H","seq":N,"time":"T","type":"Y","v":1}, is two runs of
  // the line itself: `P,"prev":"H"` and `"seq":N,"time":"T","type":"Y"`, joined by constants.
  const run1 = payloadEnd + 74 - payloadAt;
  const run2 = typeEnd + 1 - (seqAt - 6);
  const len = B_PAYLOAD.length + run1 + 1 + run2 + B_END.length;
  if (scratch.length < len) {
    scratch = Buffer.alloc(2 * len);
    B_PAYLOAD.copy(scratch);
  }
  let o = B_PAYLOAD.length;
  // plain Uint8Array views: Buffer#subarray makes a Buffer through JS (twice per line adds up)
  scratch.set(new Uint8Array(b.buffer, b.byteOffset + payloadAt, run1), o);
  o += run1;
  scratch[o++] = 0x2c;
  o = put(scratch, o, b, seqAt - 6, typeEnd + 1);
  o = put(scratch, o, B_END, 0, B_END.length);
  const computed = hash('sha256', new Uint8Array(scratch.buffer, scratch.byteOffset, o), 'hex');
  if (b.toString('latin1', hashAt, hashAt + 64) !== computed) return undefined;
  out[at] = seq;
  out[at + 1] = type;
  out[at + 2] = timeAt;
  out[at + 3] = timeEnd;
  out[at + 4] = payloadAt;
  out[at + 5] = payloadEnd;
  out[at + 6] = sigAt;
  out[at + 7] = sigEnd;
  return computed;
}

/** The newline ending a line scanLine accepted. */
export function lineEnd(spans: Int32Array, at: number): number {
  const sigEnd = spans[at + 7] as number;
  return sigEnd >= 0 ? sigEnd + 2 : (spans[at + 5] as number) + 149;
}

const TYPES = (Object.keys(RECORD_TYPES) as RecordType[]).map((t) => ({ type: t, bytes: ascii(t) }));
const RUN_START = TYPES.findIndex((t) => t.type === 'run-start');

/** The index in TYPES of the record type named by bytes [s, e), or -1; no string made. */
function recordTypeIndex(b: Buffer, s: number, e: number): number {
  for (let x = 0; x < TYPES.length; x++) {
    const t = TYPES[x] as { bytes: Buffer };
    if (t.bytes.length === e - s && match(b, s, e, t.bytes) === e) return x;
  }
  return -1;
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

/** The record of a line scanLine accepted, from its spans (at: the line's first slot). */
export function lineRecord(b: Buffer, spans: Int32Array, at: number): AnyRecord {
  return new LineRecord(b, spans, at) as unknown as AnyRecord;
}

/**
 * A record read from a verified line: seq and type made, the rest decoded from the line when read
 * (time, payload, prev, hash are getters: read them, do not spread or serialise the record).
 */
class LineRecord {
  readonly v = 1;
  readonly seq: number;
  readonly type: RecordType;
  readonly sig?: string;
  readonly #buf: Buffer;
  readonly #timeAt: number;
  readonly #timeEnd: number;
  readonly #payloadAt: number;
  readonly #payloadEnd: number;
  #payload: unknown;
  constructor(buf: Buffer, spans: Int32Array, at: number) {
    this.seq = spans[at] as number;
    this.type = (TYPES[spans[at + 1] as number] as { type: RecordType }).type;
    this.#buf = buf;
    this.#timeAt = spans[at + 2] as number;
    this.#timeEnd = spans[at + 3] as number;
    this.#payloadAt = spans[at + 4] as number;
    this.#payloadEnd = spans[at + 5] as number;
    const sigAt = spans[at + 6] as number;
    if (sigAt >= 0) this.sig = buf.toString('utf8', sigAt, spans[at + 7]);
  }
  get time(): string {
    return this.#buf.toString('utf8', this.#timeAt, this.#timeEnd);
  }
  get prev(): string {
    return this.#buf.toString('latin1', this.#payloadEnd + 9, this.#payloadEnd + 73);
  }
  get hash(): string {
    return this.#buf.toString('latin1', this.#payloadEnd + 83, this.#payloadEnd + 147);
  }
  get payload(): unknown {
    if (this.#payload === undefined)
      this.#payload = JSON.parse(this.#buf.toString('utf8', this.#payloadAt, this.#payloadEnd));
    return this.#payload;
  }
}
