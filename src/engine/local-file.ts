import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, lstatSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * A local file a command writes (`etcd snapshot <path>`) is never replaced: the command writes
 * a temporary name in the same directory, and the result is linked into place with link(2),
 * which fails if the target exists — so a file that appeared meanwhile is not replaced either.
 */

/** Why the target cannot be written, or undefined when it is free. */
export function targetTaken(target: string): string | undefined {
  try {
    lstatSync(target);
    return `${target} already exists: talos-dr never replaces a file; choose another path or move it away`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return existsSync(dirname(target)) ? undefined : `the directory of ${target} does not exist`;
    }
    return `${target} cannot be checked: ${(e as Error).message}`;
  }
}

/** A temporary name beside the target, unique to this attempt. */
export function temporaryBeside(target: string): string {
  return join(dirname(target), `.${basename(target)}.talos-dr-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Links the temporary file into place; the temporary name is removed either way. */
export function linkIntoPlace(temporary: string, target: string): { ok: true } | { ok: false; reason: string } {
  try {
    linkSync(temporary, target);
    return { ok: true };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason:
        code === 'EEXIST'
          ? `${target} appeared while the command ran: it was not replaced; the new file was discarded`
          : `could not put the file at ${target}: ${(e as Error).message}`,
    };
  } finally {
    discard(temporary);
  }
}

/** Removes a temporary file (and talosctl's own `.part` of it) if present. */
export function discard(temporary: string): void {
  for (const p of [temporary, `${temporary}.part`]) {
    try {
      unlinkSync(p);
    } catch {
      // absent: nothing to remove
    }
  }
}
