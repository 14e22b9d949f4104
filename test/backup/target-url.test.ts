import { describe, expect, it } from 'vitest';
import { parseTargetUrl, targetFromFlags } from '../../src/backup/target-url.js';

const o = { cwd: '/work', flag: '--target' };

describe('target URL', () => {
  it('reads a directory (relative to the cwd) and s3://bucket/prefix', () => {
    expect(parseTargetUrl('backups', o)).toEqual({ kind: 'dir', path: '/work/backups', url: '/work/backups' });
    expect(parseTargetUrl('/b/etcd/', o)).toEqual({ kind: 'dir', path: '/b/etcd', url: '/b/etcd' });
    expect(parseTargetUrl('s3://my-backups/etcd/prod/', o)).toEqual({
      kind: 's3',
      bucket: 'my-backups',
      prefix: 'etcd/prod',
      url: 's3://my-backups/etcd/prod',
    });
    expect(parseTargetUrl('s3://my-backups', o)).toMatchObject({
      bucket: 'my-backups',
      prefix: '',
      url: 's3://my-backups',
    });
  });

  it('names the flag and what is wrong', () => {
    expect(() => parseTargetUrl('gs://b/p', o)).toThrow(
      '--target "gs://b/p": gs:// is not a target talos-dr writes to: give a directory or s3://bucket/prefix',
    );
    expect(() => parseTargetUrl('s3://', o)).toThrow('--target "s3://": no bucket name after s3://');
    expect(() => parseTargetUrl('s3://My_Bucket/x', o)).toThrow(/"My_Bucket" is not an S3 bucket name/);
    expect(() => parseTargetUrl('s3://bucket/../x', o)).toThrow(/may not contain "\." or "\.\." segments/);
    expect(() => parseTargetUrl('  ', o)).toThrow('--target "  ": empty');
  });

  it('falls back to TALOS_DR_BACKUP_TARGET, naming it, and asks for one when neither is set', () => {
    expect(targetFromFlags(undefined, { TALOS_DR_BACKUP_TARGET: 's3://bkt/p' }, '/')).toMatchObject({ bucket: 'bkt' });
    expect(() => targetFromFlags(undefined, { TALOS_DR_BACKUP_TARGET: 'ftp://x' }, '/')).toThrow(
      /^TALOS_DR_BACKUP_TARGET "ftp:\/\/x"/,
    );
    expect(() => targetFromFlags(undefined, {}, '/')).toThrow(
      'missing --target <dir|s3://bucket/prefix> (or set TALOS_DR_BACKUP_TARGET)',
    );
    expect(targetFromFlags('/a', { TALOS_DR_BACKUP_TARGET: '/b' }, '/')).toMatchObject({ path: '/a' });
  });
});
