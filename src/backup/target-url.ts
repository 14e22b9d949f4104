import { isAbsolute, resolve } from 'node:path';
import { makeError } from '../io/errors.js';
import type { BackupTarget } from './record.js';

/**
 * Where backups go, as the user names it: `--target <dir|s3://bucket/prefix>` or
 * TALOS_DR_BACKUP_TARGET. Parsing is pure and names the flag (or the variable) in every error, so
 * a cron job with a typo fails at once with exit 2 instead of after a ten-minute snapshot.
 */

export type TargetSpec =
  | { readonly kind: 'dir'; readonly path: string; readonly url: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string; readonly url: string };

export const TARGET_ENV = 'TALOS_DR_BACKUP_TARGET';

/** S3's bucket naming rules (the subset every S3-compatible server accepts). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The --target flag if given, else the environment variable; names whichever it read. */
export function targetFromFlags(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): TargetSpec {
  if (flag !== undefined) return parseTargetUrl(flag, { cwd, flag: '--target' });
  const fromEnv = env[TARGET_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return parseTargetUrl(fromEnv, { cwd, flag: TARGET_ENV });
  throw makeError('TDR_BACKUP_TARGET_MISSING', { flag: '--target' });
}

export function parseTargetUrl(value: string, o: { cwd: string; flag: string }): TargetSpec {
  const bad = (reason: string) => makeError('TDR_BACKUP_TARGET_BAD', { flag: o.flag, value, reason });
  const v = value.trim();
  if (v === '') throw bad('empty');
  if ([...v].some((c) => c.charCodeAt(0) < 0x20)) throw bad('contains a control character');
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(v)?.[1];
  if (scheme === undefined) {
    const path = isAbsolute(v) ? resolve(v) : resolve(o.cwd, v);
    return { kind: 'dir', path, url: path };
  }
  if (scheme.toLowerCase() !== 's3')
    throw bad(`${scheme}:// is not a target talos-dr writes to: give a directory or s3://bucket/prefix`);
  const rest = v.slice(scheme.length + 3);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (bucket === '') throw bad('no bucket name after s3://');
  if (!BUCKET.test(bucket) || bucket.includes('..'))
    throw bad(`"${bucket}" is not an S3 bucket name (3–63 lowercase letters, digits, dots and hyphens)`);
  const parts = (slash < 0 ? '' : rest.slice(slash + 1)).split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '.' || p === '..')) throw bad('the prefix may not contain "." or ".." segments');
  const prefix = parts.join('/');
  return { kind: 's3', bucket, prefix, url: `s3://${bucket}${prefix === '' ? '' : `/${prefix}`}` };
}

/**
 * The BackupTarget of a spec. The S3 module (and the AWS SDK behind it) is loaded only here, when
 * an s3:// target is used, so `talos-dr --version` and directory targets never pay for it.
 */
export async function openTarget(spec: TargetSpec, env: NodeJS.ProcessEnv = process.env): Promise<BackupTarget> {
  if (spec.kind === 'dir') {
    const { dirTarget } = await import('./dir-target.js');
    return dirTarget(spec.path);
  }
  const { s3Target } = await import('./s3-target.js');
  return s3Target({ bucket: spec.bucket, prefix: spec.prefix, env });
}
