import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliContext } from '../io/context.js';
import { makeError } from '../io/errors.js';
import { type Diagnostic, formatDiagnostic } from '../runbook/diagnostics.js';
import { MAX_RUNBOOK_BYTES, tooLarge } from '../runbook/load.js';
import type { Runbook } from '../runbook/model.js';
import { locateRunbook } from '../runbook/source.js';
import { lintRunbook } from './lint.js';
import type { CompiledRunbook } from './to-machine.js';

/**
 * A runbook file opened once: the text read, the machine compiled from exactly that text, and the
 * sha256 a run's log records for it. Every command that takes a runbook (run, resume, backup run,
 * drill, plan, lint, describe, graph) opens it here, so none hashes one read of the file and
 * compiles another (the file may change between two reads).
 */

export interface OpenedRunbook {
  ok: true;
  /** the absolute path it was read from */
  path: string;
  /** the text compiled: the bytes a run's log hashes (never a second read of the file) */
  text: string;
  /** sha256 (hex) of `text` as UTF-8: of the file's bytes, for a file in UTF-8 */
  sha256: string;
  runbook: Runbook;
  compiled: CompiledRunbook;
  warnings: Diagnostic[];
}

export interface UnopenedRunbook {
  ok: false;
  path: string;
  /** the text read, or null when the file was over the size limit and not read */
  text: string | null;
  sha256: string | null;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Reads `path` once (at most MAX_RUNBOOK_BYTES + 1 bytes: a larger file is refused unread) and
 * lints, compiles and verifies that text. `shown` names the file in diagnostics (as the user typed it).
 */
export function openRunbook(path: string, shown: string = path): OpenedRunbook | UnopenedRunbook {
  const text = readBounded(path, shown);
  if (typeof text === 'number')
    return { ok: false, path, text: null, sha256: null, errors: [tooLarge(shown, text)], warnings: [] };
  const sha256 = sha256Hex(text);
  const r = lintRunbook(text, shown);
  return { ...r, path, text, sha256 };
}

/**
 * For commands that take one `<runbook>` (a file or a built-in name): locate and open it, or print
 * its diagnostics (the caller exits 2).
 */
export function openRunbookArg(arg: string, ctx: CliContext): OpenedRunbook | undefined {
  const file = locateRunbook(arg, ctx.cwd);
  const r = openRunbook(resolve(ctx.cwd, file), file);
  if (r.ok) return r;
  for (const d of [...r.errors, ...r.warnings]) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
  return undefined;
}

/** The file's text, or its size when over the limit; one open, one bounded read. */
function readBounded(path: string, shown: string): string | number {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    throw makeError('TDR_FILE_NOT_FOUND', { path: shown });
  }
  try {
    if (!fstatSync(fd).isFile()) throw makeError('TDR_FILE_NOT_FOUND', { path: shown });
    // one byte over the limit tells a file that is too large (or grew while read) from one that fits
    const buf = Buffer.alloc(MAX_RUNBOOK_BYTES + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      n += got;
      if (got === 0 || n === buf.length) break;
    }
    if (n > MAX_RUNBOOK_BYTES) return Math.max(n, fstatSync(fd).size);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
