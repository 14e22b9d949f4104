import { readFileSync } from 'node:fs';
import type { AnyRecord } from './log-format.js';
import { parseRecordLine } from './verify.js';

/**
 * Reads a log leniently for display and resume: every line that parses as a record, plus the lines
 * that do not. It does not check the chain (verifyJournal does). Throws only if the file cannot be read.
 */
export function readJournal(path: string): { records: AnyRecord[]; errors: { line: number; reason: string }[] } {
  return parseJournal(readFileSync(path, 'utf8'));
}

export function parseJournal(text: string): { records: AnyRecord[]; errors: { line: number; reason: string }[] } {
  const records: AnyRecord[] = [];
  const errors: { line: number; reason: string }[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const [i, line] of lines.entries()) {
    const r = parseRecordLine(line);
    if (r.ok) records.push(r.record);
    else errors.push({ line: i + 1, reason: r.reason });
  }
  return { records, errors };
}
