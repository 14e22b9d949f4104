import { readFileSync } from 'node:fs';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { openVerifyKey } from './sign.js';
import { verifyJournalBytes } from './verify-bytes.js';
import { verifySignatures } from './verify-signatures.js';

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
 * `log verify [--key <pub>] [--allow-incomplete]`: 0 intact (and, with --key, signed by that key
 * and sealed by a signed run-end), 1 tampered or badly signed (naming the first bad record),
 * 2 unreadable file or key. Signatures are also checked without --key, against the embedded key.
 */
export function logVerify(path: string, opts: { key?: string; allowIncomplete?: boolean }, out: Out): number {
  const key = opts.key === undefined ? undefined : openVerifyKey(opts.key);
  const v = verifyJournalBytes(readLogBytes(path));
  if (!v.ok) {
    out.stdout.write(`log tampered: record ${v.firstBadSeq} (line ${v.line}): ${v.reason}\n`);
    if (v.records.length > 0) out.stdout.write(`records 1–${v.records.length} before it are intact\n`);
    return ExitCode.failed;
  }
  const s = verifySignatures(v.records, {
    ...(key ? { key } : {}),
    requireSealed: key !== undefined && !opts.allowIncomplete,
  });
  if (!s.ok) {
    out.stdout.write(`log signature check failed: record ${s.firstBadSeq}: ${s.reason}\n`);
    if (s.firstBadSeq > 1)
      out.stdout.write(
        `the hash chain itself is intact; records before ${s.firstBadSeq} are covered by the signatures checked so far\n`,
      );
    return ExitCode.failed;
  }
  const start = v.records.at(0);
  const runbook = start?.type === 'run-start' ? start.payload.runbook : '?';
  out.stdout.write(`log intact: ${v.records.length} records, runbook ${runbook}, chain head ${v.head}\n`);
  if (s.signed)
    out.stdout.write(
      s.pinned
        ? `signatures verified with key ${s.fingerprint}: ${s.signatures} checkpoints${s.sealed ? ', sealed by a signed run-end' : `, NOT sealed (records after ${s.lastSigned} unsigned)`}\n`
        : `signed: ${s.signatures} checkpoints consistent with the key embedded in the log (${s.fingerprint}); pass --key <public key> to check who signed\n`,
    );
  else out.stdout.write('not signed\n');
  if (!v.complete)
    out.stdout.write(
      `note: no run-end record: the run was interrupted (resumable), or the log was cut after record ${v.records.length}\n`,
    );
  return ExitCode.ok;
}
