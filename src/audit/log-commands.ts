import { readFileSync } from 'node:fs';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { parseJournal } from './read.js';
import { formatTimeline, summarizeRecord } from './timeline.js';
import { verifyJournal } from './verify.js';

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

/** `log verify`: 0 intact, 1 tampered (naming the first bad record), 2 unreadable. */
export function logVerify(path: string, out: Out): number {
  const v = verifyJournal(readLogFile(path));
  if (!v.ok) {
    out.stdout.write(`log tampered: record ${v.firstBadSeq} (line ${v.line}): ${v.reason}\n`);
    if (v.records.length > 0) out.stdout.write(`records 1–${v.records.length} before it are intact\n`);
    return ExitCode.failed;
  }
  const start = v.records[0];
  const runbook = start?.type === 'run-start' ? start.payload.runbook : '?';
  out.stdout.write(`log intact: ${v.records.length} records, runbook ${runbook}, chain head ${v.head}\n`);
  if (!v.complete)
    out.stdout.write(
      `note: no run-end record: the run was interrupted (resumable), or the log was cut after record ${v.records.length}\n`,
    );
  return ExitCode.ok;
}

/** `log show`: the timeline, with the chain's state first; works on damaged logs too. */
export function logShow(path: string, opts: { json: boolean }, out: Out): number {
  const text = readLogFile(path);
  const v = verifyJournal(text);
  const { records, errors } = parseJournal(text);
  if (opts.json) {
    const rows = records.map((r) => ({
      seq: r.seq,
      time: r.time,
      type: r.type,
      summary: summarizeRecord(r),
      payload: r.payload,
    }));
    out.stdout.write(
      `${JSON.stringify({ intact: v.ok, ...(v.ok ? {} : { firstBadSeq: v.firstBadSeq, reason: v.reason }), records: rows }, null, 2)}\n`,
    );
    return ExitCode.ok;
  }
  out.stdout.write(
    v.ok
      ? `chain intact (${records.length} records)\n`
      : `CHAIN BROKEN at record ${v.firstBadSeq} (line ${v.line}): ${v.reason}\n`,
  );
  out.stdout.write(formatTimeline(records));
  for (const e of errors) out.stdout.write(`line ${e.line}: unreadable record: ${e.reason}\n`);
  return ExitCode.ok;
}
