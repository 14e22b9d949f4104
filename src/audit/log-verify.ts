import { readFileSync } from 'node:fs';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { makeCheckpointPolicy } from './checkpoints.js';
import { describeSegment, type Ending, nameRecords, readSegments } from './segments.js';
import { openVerifyKey } from './sign.js';
import { verifyJournalBytes } from './verify-bytes.js';
import { type RecordList, verifySignatures } from './verify-signatures.js';
import { compareWithWitness, readWitness } from './witness.js';

// `log verify` alone, apart from log-commands.ts: it loads only the verifier (not the report
// renderers, replay, parsers and checks), which is part of its start-up time on a large log.

/** The output port of the log commands (the CLI context's streams). */
export interface Out {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Reads a log file; a missing or unreadable file is a usage error (exit 2). */
export function readLogFile(path: string): string {
  return readLogBytes(path).toString('utf8');
}

/** readLogFile's bytes, undecoded (what the byte verifier reads). */
export function readLogBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
    if (code === 'ENOENT') throw makeError('TDR_FILE_NOT_FOUND', { path });
    throw makeError('TDR_LOG_UNREADABLE', { path, reason: code || String(e) });
  }
}

/**
 * `log verify [--key <pub>] [--allow-incomplete] [--witness <file|dir>]`: 0 intact, 1 tampered,
 * badly signed, out of structure or cut (naming the first bad record), 2 unreadable file, key or
 * witness. It says what it proved: the segments (the run and each resume), which are signed, how
 * the log ends (a final outcome, or a stop a later resume may continue), the records no signature
 * covers, and, with a witness, whether the log was cut after its last checkpoint.
 */
export function logVerify(
  path: string,
  opts: { key?: string; allowIncomplete?: boolean; witness?: string },
  out: Out,
): number {
  const key = opts.key === undefined ? undefined : openVerifyKey(opts.key);
  const v = verifyJournalBytes(readLogBytes(path));
  const say = (line: string) => out.stdout.write(`${line}\n`);
  if (!v.ok) {
    say(`log tampered: record ${v.firstBadSeq} (line ${v.line}): ${v.reason}`);
    if (v.records.length > 0) say(`records 1–${v.records.length} before it are intact`);
    return ExitCode.failed;
  }
  const seg = readSegments(v.records);
  if (!seg.ok) {
    say(`log tampered: record ${seg.firstBadSeq}: ${seg.reason}`);
    say('the hash chain itself is intact, but no run writes records in this order');
    return ExitCode.failed;
  }
  const s = verifySignatures(v.records, {
    ...(key ? { key } : {}),
    requireSealed: key !== undefined && !opts.allowIncomplete,
  });
  if (!s.ok) {
    say(`log signature check failed: record ${s.firstBadSeq}: ${s.reason}`);
    if (s.firstBadSeq > 1)
      say(
        `the hash chain itself is intact; records before ${s.firstBadSeq} are covered by the signatures checked so far`,
      );
    return ExitCode.failed;
  }
  const n = v.records.length;
  const start = v.records.at(0);
  const witness = opts.witness === undefined || start === undefined ? undefined : readWitness(opts.witness, start.hash);
  const runbook = start?.type === 'run-start' ? start.payload.runbook : '?';
  say(`log intact: ${n} records, runbook ${runbook}, chain head ${v.head}`);
  say(
    `segments: ${seg.segments.length} (the run${seg.segments.length > 1 ? ` and ${seg.segments.length - 1} resume(s)` : ''})`,
  );
  for (const g of seg.segments) say(`  ${describeSegment(g)}`);
  if (s.signed) {
    const last = s.sealed ? `sealed by the signed run-end #${n}` : `the last at record ${s.lastSigned}`;
    say(
      s.pinned
        ? `signatures verified with key ${s.fingerprint}: ${s.signatures} checkpoints, ${last}`
        : `signed: ${s.signatures} checkpoints consistent with the key embedded in the log (${s.fingerprint}), ${last}; pass --key <public key> to check who signed`,
    );
    if (s.lastSigned < n)
      say(
        `UNSIGNED TAIL: ${nameRecords(v.records, s.lastSigned + 1, n)}: after the last signed checkpoint #${s.lastSigned}, covered by no signature: the remains of a run that crashed, or appended by someone (resume refuses them unless --accept-unsigned-tail, which it records)`,
      );
  } else
    say(
      'not signed: the chain shows the records agree with each other; anyone able to rewrite the file could rewrite it whole (keep the head hash, or sign runs)',
    );
  say(describeEnding(seg.ending));
  if (witness !== undefined) {
    const w = compareWithWitness(v.records, witness.head, lastCheckpoint(v.records));
    if (!w.ok) {
      say(`log cut or rewritten (witness ${witness.path}): record ${w.firstBadSeq}: ${w.reason}`);
      return ExitCode.failed;
    }
    say(`witness ${witness.path}: ${w.note}`);
  } else if (seg.ending.kind !== 'final')
    say(
      `${s.signed ? 'a signature cannot show' : 'nothing in the log shows'} that nothing came after record ${n}: a log cut at a ${s.signed ? 'signed ' : ''}checkpoint verifies the same. Compare with the witness the run left: --witness <head file or state dir>`,
    );
  return ExitCode.ok;
}

function describeEnding(e: Ending): string {
  switch (e.kind) {
    case 'final':
      return `ends at a final outcome: run-end #${e.seq} ${e.outcome} (exit ${e.exitCode}); nothing can be resumed after it`;
    case 'resumable':
      return `ends at a resumable stop: run-end #${e.seq} ${e.outcome} (exit ${e.exitCode}); a later resume may exist`;
    case 'no-run-end':
      return `ends without a run-end after record ${e.lastSeq}: the run crashed or was killed (resumable), or the log was cut there; a later resume may exist`;
  }
}

/** seq of the last checkpoint (signed or, in an unsigned run, that would be): what the witness last saw. */
function lastCheckpoint(records: RecordList): number {
  const policy = makeCheckpointPolicy();
  let last = 0;
  for (const r of records) if (policy.requires(r.type, () => r.payload)) last = r.seq;
  return last;
}
