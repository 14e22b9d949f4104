import { makeError } from '../io/errors.js';

/**
 * Rules every target applies to a key before touching storage, so a directory and a bucket accept
 * the same keys and a key can never climb out of its target (`../x`, `/etc/x`).
 */

/** Refuses a key that is empty, absolute, has empty, `.` or `..` segments, or a control character. */
export function checkKey(url: string, op: string, key: string): string {
  const bad = (detail: string) => makeError('TDR_BACKUP_TARGET_IO', { url, op, key: JSON.stringify(key), detail });
  if (key === '' || key.startsWith('/') || key.endsWith('/')) throw bad('not a relative object key');
  if ([...key].some((c) => c.charCodeAt(0) < 0x20)) throw bad('contains a control character');
  if (key.split('/').some((s) => s === '' || s === '.' || s === '..')) throw bad('empty, "." or ".." segment');
  return key;
}

/**
 * The error every target's `get` throws for a key that is not there: verify names it
 * ("object missing") rather than reporting an I/O failure.
 */
export function objectMissing(url: string, key: string) {
  return makeError('TDR_BACKUP_OBJECT_MISSING', { url, key });
}

export function isObjectMissing(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'TDR_BACKUP_OBJECT_MISSING';
}

/** A target-side failure in words (`EACCES: permission denied …`, `AccessDenied: …`), never a stack. */
export function targetError(url: string, op: string, key: string, e: unknown) {
  const detail = e instanceof Error ? `${(e as { code?: string }).code ?? e.name}: ${e.message}` : String(e);
  return makeError('TDR_BACKUP_TARGET_IO', { url, op, key, detail }, e);
}
