import { closeSync, existsSync, fsyncSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
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
import { nameRecords, readSegments } from '../audit/segments.js';
import type { Signer } from '../audit/sign.js';
import { verifyJournal } from '../audit/verify.js';
import { verifySignatures } from '../audit/verify-signatures.js';
import { type CheckpointWitness, compareWithWitness, headFileFor, readWitness } from '../audit/witness.js';
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
  /** leaves each checkpoint's head outside the log (audit/witness.ts), after it is on disk */
  witness?: CheckpointWitness;
  /**
   * resume: accept records after the last signed checkpoint that no signature covers (the remains
   * of a crash the operator vouches for); the caller records that in the resume record
   */
  acceptUnsignedTail?: boolean;
  /**
   * resume: the heads directory of this machine's witnesses; a log cut or rewritten behind the
   * head file its run left there is refused (a resume would otherwise overwrite that evidence)
   */
  witnessDir?: string;
}

/** What Journal.resume found at the end of a signed log and was told to accept. */
export interface UnsignedTail {
  from: number;
  to: number;
  /** "records 15–17 (command-intent #15, …)" */
  names: string;
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
  private readonly witness: CheckpointWitness | undefined;
  /** hash of the run-start: the run's identity in its witnesses */
  private runHash: string | undefined;

  private constructor(
    sink: JournalSink,
    opts: JournalOptions,
    at: { seq: number; prev: string; policy?: CheckpointPolicy; runHash?: string },
  ) {
    this.sink = sink;
    this.signer = opts.signer;
    this.witness = opts.witness;
    this.runHash = at.runHash;
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
   * Continues an existing log (resume) after verifying it; a tampered log, or one in an order no
   * run writes, is refused (exit 1). A log that ended at a final outcome is not resumed (exit 2).
   * A signed log must be continued with the same key (exit 2 otherwise), its signatures must hold,
   * and records after its last signed checkpoint are refused, named (exit 1), unless
   * `acceptUnsignedTail`: a resume would otherwise sign them into its own segment unseen.
   */
  static resume(
    path: string,
    opts: JournalOptions = {},
  ): { journal: Journal; records: AnyRecord[]; unsignedTail: UnsignedTail | null } {
    const v = verifyJournal(readFileSync(path, 'utf8'));
    if (!v.ok) throw makeError('TDR_LOG_TAMPERED', { path, line: v.line, reason: v.reason });
    const seg = readSegments(v.records);
    if (!seg.ok) throw makeError('TDR_LOG_TAMPERED', { path, line: seg.firstBadSeq, reason: seg.reason });
    if (seg.ending.kind === 'final')
      throw makeError('TDR_RESUME_REFUSED', {
        path,
        reason:
          seg.ending.exitCode === 0
            ? 'the run already finished successfully'
            : `the run ended with a final outcome at record ${seg.ending.seq} (${seg.ending.outcome}, exit ${seg.ending.exitCode}): only a stop at a gate (exit 3) or an interruption (exit 130) is resumed; start a new run`,
      });
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
    const first = v.records[0];
    if (opts.witnessDir !== undefined && first !== undefined) {
      const file = headFileFor(opts.witnessDir, first.hash);
      if (existsSync(file)) {
        const w = readWitness(file, first.hash);
        const c = compareWithWitness(v.records, w.head, 0);
        if (!c.ok) throw makeError('TDR_LOG_CUT', { path, line: c.firstBadSeq, reason: c.reason, witness: w.path });
      }
    }
    let unsignedTail: UnsignedTail | null = null;
    if (signing) {
      const s = verifySignatures(v.records, { requireSealed: false });
      if (!s.ok) throw makeError('TDR_LOG_TAMPERED', { path, line: s.firstBadSeq, reason: s.reason });
      const n = v.records.length;
      if (s.signed && s.lastSigned < n) {
        unsignedTail = { from: s.lastSigned + 1, to: n, names: nameRecords(v.records, s.lastSigned + 1, n) };
        if (!opts.acceptUnsignedTail)
          throw makeError('TDR_LOG_UNSIGNED_TAIL', { path, names: unsignedTail.names, lastSigned: s.lastSigned });
      }
    }
    const journal = new Journal(opts.sink ?? openFileSink(path), opts, {
      seq: v.records.length,
      prev: v.head,
      policy: policyAfter(v.records),
      ...(v.records[0] ? { runHash: v.records[0].hash } : {}),
    });
    return { journal, records: v.records, unsignedTail };
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
    const checkpoint = this.policy.requires(type, clean);
    if (checkpoint && this.signer) record.sig = this.signer.sign(record.hash);
    this.sink.append(`${formatRecordLine(record)}\n`);
    if (RECORD_TYPES[type].durable && !isReadResult(type, clean)) this.sink.sync();
    this.seq = record.seq;
    this.prev = record.hash;
    if (type === 'run-start') this.runHash = record.hash;
    // every checkpoint is durable: it is on disk before its witness says so
    if (checkpoint && this.witness && this.runHash) this.witness.checkpoint(record as AnyRecord, this.runHash);
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
