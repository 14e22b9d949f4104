import { readFileSync, writeFileSync } from 'node:fs';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { parseJournal } from './read.js';
import { formatReplay, replayVerdicts } from './replay/replay.js';
import { isReportFormat, REPORT_FORMATS, renderReport, reportFromText } from './report/index.js';
import { generateKeyFiles, openVerifyKey } from './sign.js';
import { verifyJournal } from './verify.js';
import { verifySignatures } from './verify-signatures.js';

/** The output port of the log commands (the CLI context's streams). */
export interface Out {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Reads a log file; a missing or unreadable file is a usage error (exit 2). */
export function readLogFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
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
  const v = verifyJournal(readLogFile(path));
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
  const start = v.records[0];
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

/** `log show --format text|md|html|json [--out f] [--key pub]`: the auditor's report; works on damaged logs too. */
export function logShow(path: string, opts: { format: string; out?: string; key?: string }, out: Out): number {
  if (!isReportFormat(opts.format))
    throw makeError('TDR_BAD_FORMAT', { flag: '--format', value: opts.format, known: [...REPORT_FORMATS] });
  const key = opts.key === undefined ? undefined : openVerifyKey(opts.key);
  const text = renderReport(opts.format, reportFromText(readLogFile(path), key));
  if (opts.out === undefined) out.stdout.write(text);
  else {
    try {
      writeFileSync(opts.out, text);
    } catch (e) {
      throw makeError('TDR_USAGE', {
        detail: `--out ${opts.out}: cannot write (${e instanceof Error ? e.message : String(e)})`,
      });
    }
    out.stderr.write(`report written to ${opts.out} (${Buffer.byteLength(text)} bytes)\n`);
  }
  return ExitCode.ok;
}

/** `log replay`: 0 every replayed verdict agrees, 1 some differ, 2 unreadable (no records). */
export function logReplay(path: string, out: Out): number {
  const text = readLogFile(path);
  const { records } = parseJournal(text);
  if (records.length === 0) throw makeError('TDR_LOG_UNREADABLE', { path, reason: 'no readable record' });
  const v = verifyJournal(text);
  if (!v.ok)
    out.stdout.write(`warning: the hash chain is broken at record ${v.firstBadSeq}: replaying what was read\n`);
  const rep = replayVerdicts(records);
  out.stdout.write(formatReplay(rep));
  return rep.differences.length === 0 ? ExitCode.ok : ExitCode.failed;
}

/** `log keygen --out <name>`: writes <name>.key (0600) and <name>.pub. */
export function logKeygen(base: string, out: Out): number {
  const k = generateKeyFiles(base);
  out.stdout.write(
    `private key: ${k.keyPath} (mode 0600; give it to runs with --sign-key, keep it off auditors' machines)\npublic key:  ${k.pubPath} (give it to auditors: talos-dr log verify <log> --key ${k.pubPath})\nfingerprint: ${k.fingerprint}\n`,
  );
  return ExitCode.ok;
}
