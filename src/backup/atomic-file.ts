import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeError } from '../io/errors.js';

/**
 * Writes a small text file so a reader sees the old content or the new, never a part: a temp
 * file in the same directory (same filesystem, so rename(2) is atomic), fsync'ed, renamed over
 * the name. node_exporter's textfile collector requires exactly this, and reads only `*.prom`:
 * the temp name (`.<name>.<pid>.<random>.tmp`) is never one.
 */
export function writeFileAtomic(path: string, text: string, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      // the mode exactly, whatever the umask (a unit's UMask=0077 would hide it from node_exporter)
      fchmodSync(fd, mode);
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    const reason = e instanceof Error ? e.message : String(e);
    throw makeError('TDR_BACKUP_OUT_WRITE', { path, reason }, e);
  }
}
