import { closeSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { type CheckpointPolicy, makeCheckpointPolicy, policyAfter } from '../audit/checkpoints.js';
import {
  type AnyRecord,
  formatRecordLine,
  GENESIS,
  type LogRecord,
  makeRecord,
  type PayloadByType,
  RECORD_TYPES,
  type RecordType,
} from '../audit/log-format.js';
import type { Redact } from '../audit/redact.js';
import type { Signer } from '../audit/sign.js';
import { verifyJournal } from '../audit/verify.js';
import { verifySignatures } from '../audit/verify-signatures.js';
import { makeError } from '../io/errors.js';
import { classify } from '../talos/commands.js';

export { readJournal } from '../audit/read.js';

/** Time, injected so tests and replays are deterministic. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Where lines go: an append-only file in production, a recorder in tests. */
export interface JournalSink {
  append(line: string): void;
  /** flush to stable storage (fsync) */
  sync(): void;
  close(): void;
}

/** Appends with synchronous writes (they survive exit paths) on a file opened with O_APPEND, mode 0600. */
export function openFileSink(path: string): JournalSink {
  const fd = openSync(path, 'a', 0o600);
  let open = true;
  return {
    append(line) {
      const buf = Buffer.from(line, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    },
    sync: () => fsyncSync(fd),
    close() {
      if (!open) return;
      open = false;
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}

export interface JournalOptions {
  clock?: Clock;
  redact?: Redact;
  /** defaults to openFileSink(path) */
  sink?: JournalSink;
  /**
   * Signs checkpoints (audit/checkpoints.ts: run-start, approvals, irreversible results, run-end)
   * over their hash; run-start then records the key (payload.signing). From `openSigner(path)`.
   */
  signer?: Signer;
}

/**
 * The run's journal: each event becomes one hash-chained record, appended and (for durable types:
 * mutating intents and results — not reads' results —, approvals, deviations, run start and end) fsynced before append()
 * returns, so an intent is on disk before its command runs.
 */
export class Journal {
  private seq: number;
  private prev: string;
  private readonly clock: Clock;
  private readonly redact: Redact | undefined;
  private readonly sink: JournalSink;
  private readonly signer: Signer | undefined;
  private readonly policy: CheckpointPolicy;

  private constructor(
    sink: JournalSink,
    opts: JournalOptions,
    at: { seq: number; prev: string; policy?: CheckpointPolicy },
  ) {
    this.sink = sink;
    this.signer = opts.signer;
    this.policy = at.policy ?? makeCheckpointPolicy();
    this.clock = opts.clock ?? systemClock;
    this.redact = opts.redact;
    this.seq = at.seq;
    this.prev = at.prev;
  }

  /** Starts a new log; refuses a path that already holds a log (exit 2). */
  static create(path: string, opts: JournalOptions = {}): Journal {
    if (!opts.sink && existsNonEmpty(path)) throw makeError('TDR_LOG_EXISTS', { path });
    return new Journal(opts.sink ?? openFileSink(path), opts, { seq: 0, prev: GENESIS });
  }

  /**
   * Continues an existing log (resume) after verifying it; a tampered log is refused (exit 1). A
   * signed log must be continued with the same key (exit 2 otherwise), and its signatures must hold.
   */
  static resume(path: string, opts: JournalOptions = {}): { journal: Journal; records: AnyRecord[] } {
    const v = verifyJournal(readFileSync(path, 'utf8'));
    if (!v.ok) throw makeError('TDR_LOG_TAMPERED', { path, line: v.line, reason: v.reason });
    const start = v.records[0];
    const signing = start?.type === 'run-start' ? start.payload.signing : undefined;
    if (signing && !opts.signer)
      throw makeError('TDR_SIGN_KEY_REQUIRED', { path, fingerprint: signing.keyFingerprint });
    if (opts.signer && signing?.keyFingerprint !== opts.signer.info.keyFingerprint)
      throw makeError('TDR_SIGN_KEY_MISMATCH', {
        path,
        expected: signing?.keyFingerprint ?? 'none (the run started unsigned)',
        actual: opts.signer.info.keyFingerprint,
      });
    if (signing) {
      const s = verifySignatures(v.records, { requireSealed: false });
      if (!s.ok) throw makeError('TDR_LOG_TAMPERED', { path, line: s.firstBadSeq, reason: s.reason });
    }
    const journal = new Journal(opts.sink ?? openFileSink(path), opts, {
      seq: v.records.length,
      prev: v.head,
      policy: policyAfter(v.records),
    });
    return { journal, records: v.records };
  }

  /** Appends one record (redacted first; signed when it is a checkpoint of a signed run); returns it as written. */
  append<T extends RecordType>(type: T, payload: PayloadByType[T]): LogRecord<T> {
    let clean = this.redact ? this.redact(type, payload) : payload;
    if (type === 'run-start' && this.signer)
      clean = { ...(clean as PayloadByType['run-start']), signing: this.signer.info } as PayloadByType[T];
    const record: LogRecord<T> = makeRecord(type, clean, {
      seq: this.seq + 1,
      time: this.clock.now().toISOString(),
      prev: this.prev,
    });
    if (this.policy.requires(type, clean) && this.signer) record.sig = this.signer.sign(record.hash);
    this.sink.append(`${formatRecordLine(record)}\n`);
    if (RECORD_TYPES[type].durable && !isReadResult(type, clean)) this.sink.sync();
    this.seq = record.seq;
    this.prev = record.hash;
    return record;
  }

  /** The hash of the last record: what a checkpoint signature covers. */
  get head(): string {
    return this.prev;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** fsyncs and closes; call at run end on every exit path. */
  close(): void {
    this.sink.close();
  }
}

/**
 * A read's result need not be on disk before the run goes on: nothing was changed, and the next
 * durable record's fsync (of the same file) flushes it anyway. Skipping that fsync halves the cost
 * of a read step (bench/: ~3 ms each on a disk).
 */
function isReadResult(type: RecordType, payload: unknown): boolean {
  if (type !== 'command-result') return false;
  const argv = (payload as PayloadByType['command-result']).argv;
  const c = classify(argv);
  return c.ok && c.value.effect === 'read';
}

function existsNonEmpty(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}
