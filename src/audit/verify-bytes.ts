import { isUtf8 } from 'node:buffer';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
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
 * With `worker` (a built verify-worker.mjs) and a log of at least `workerMinBytes` in a
 * SharedArrayBuffer, a worker thread scans the second half meanwhile; the main thread, once past
 * the half, takes over the worker's lines from where it stands. The worker only helps: its lines
 * are taken only after the main thread itself accepted the first of them (so the worker's
 * assumed seq and prev were the right ones), and if it is late, stops or fails, the main thread
 * simply goes on alone.
 *
 * The records come as a RecordList: a line's record is made only when it is read (a verify of an
 * unsigned log reads one), and then decodes its time, payload, prev and hash only when read.
 */
export interface VerifyBytesOptions {
  worker?: {
    url: URL;
    execArgv?: string[];
    /** tests: wait for the worker once past the half (so its lines are taken), and hear how many were */
    wait?: boolean;
    onAdopt?: (lines: number) => void;
  };
  /** smaller logs are not worth a thread's start-up (default 4 MB) */
  workerMinBytes?: number;
}

/** What verify-worker.ts posts back: `count` lines accepted from `from`, up to byte `stop`. */
export interface WorkerScan {
  count: number;
  spans: Int32Array;
  lastHash: string;
  stop: number;
}

export type VerifyBytesResult =
  | { ok: true; records: RecordList; head: string; complete: boolean }
  | { ok: false; firstBadSeq: number; line: number; reason: string; records: RecordList };

export function verifyJournalBytes(buf: Buffer, opts: VerifyBytesOptions = {}): VerifyBytesResult {
  // every line valid UTF-8 means its bytes are what verifyJournal's decoded line re-encodes to
  if (buf.length === 0 || !isUtf8(buf)) return verifyJournal(buf.toString('utf8'));
  const helper = startWorker(buf, opts);
  try {
    return verifyLines(buf, helper);
  } finally {
    if (helper) void helper.worker.terminate();
  }
}

interface Helper {
  worker: Worker;
  port: MessagePort;
  wait: boolean;
  onAdopt: ((lines: number) => void) | undefined;
  /** the byte where the worker starts: a line's first byte */
  from: number;
}

function verifyLines(buf: Buffer, helper: Helper | undefined): VerifyBytesResult {
  const records = new LineRecords(buf);
  let prev = GENESIS;
  let start = 0;
  let n = 0;
  let pending = helper;
  let sinceFrom = 0; // lines the main thread checked from helper.from on
  for (;;) {
    if (pending && sinceFrom > 0 && (sinceFrom === 1 || (sinceFrom & 63) === 0)) {
      const m = sinceFrom === 1 && pending.wait ? waitForMessage(pending.port) : receiveMessageOnPort(pending.port);
      if (m !== undefined) {
        pending = undefined;
        const w = m.message as WorkerScan;
        // the main thread accepted the worker's first line: its stored seq and prev were right
        if (w.count > sinceFrom) {
          records.adopt(w.spans, sinceFrom, w.count);
          helper?.onAdopt?.(w.count - sinceFrom);
          n += w.count - sinceFrom;
          prev = w.lastHash;
          start = w.stop;
        }
      }
    }
    if (start >= buf.length) break;
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
    if (pending && start >= pending.from) sinceFrom++;
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
  /** lines [from, to) of a worker's spans */
  adopt(spans: Int32Array, from: number, to: number): void {
    for (let j = from; j < to; j++) {
      this.slot().set(spans.subarray(j * SPAN, (j + 1) * SPAN), this.#count * SPAN);
      this.#count++;
    }
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

function startWorker(buf: Buffer, opts: VerifyBytesOptions): Helper | undefined {
  if (!opts.worker || buf.length < (opts.workerMinBytes ?? 4_000_000) || buf.length > 0x7fffffff) return undefined;
  if (!(buf.buffer instanceof SharedArrayBuffer)) return undefined;
  const nl = buf.indexOf(0x0a, buf.length >> 1);
  if (nl < 0 || nl + 1 >= buf.length) return undefined;
  const from = nl + 1;
  const { port1, port2 } = new MessageChannel();
  try {
    const worker = new Worker(opts.worker.url, {
      workerData: { shared: buf.buffer, offset: buf.byteOffset, length: buf.length, from, port: port2 },
      transferList: [port2],
      ...(opts.worker.execArgv ? { execArgv: opts.worker.execArgv } : {}),
    });
    // a worker that fails only means no help; never an unhandled error
    worker.on('error', () => {});
    worker.unref();
    return { worker, port: port1, from, wait: opts.worker.wait === true, onAdopt: opts.worker.onAdopt };
  } catch {
    return undefined;
  }
}

function waitForMessage(port: MessagePort): { message: unknown } | undefined {
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 6000; i++) {
    const m = receiveMessageOnPort(port);
    if (m !== undefined) return m;
    Atomics.wait(nap, 0, 0, 5);
  }
  return undefined;
}

/** The worker's half: lines from `from` while scanLine is sure of them (verify-worker.ts runs it). */
export function scanFrom(buf: Buffer, from: number): WorkerScan {
  let spans = new Int32Array(SPAN * 4096);
  let count = 0;
  let start = from;
  let n = -1;
  let prev: string | undefined;
  let lastHash = '';
  for (;;) {
    if ((count + 1) * SPAN > spans.length) {
      const more = new Int32Array(spans.length * 2);
      more.set(spans);
      spans = more;
    }
    const computed = scanLine(buf, start, buf.length, n, prev, spans, count * SPAN);
    if (computed === undefined) break;
    n = (spans[count * SPAN] as number) + 1;
    prev = computed;
    lastHash = computed;
    start = lineEnd(spans, count * SPAN) + 1;
    count++;
  }
  return { count, spans, lastHash, stop: start };
}
