import { PassThrough, type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { BackupTarget } from './record.js';
import { checkKey, objectMissing, targetError } from './target-keys.js';

/**
 * A BackupTarget over S3 or an S3-compatible store, through the official AWS SDK v3. This module
 * (and the SDK) is loaded only when an s3:// target is used (target-url.ts `openTarget`).
 *
 * Endpoint, region and credentials come the usual AWS way: AWS_ACCESS_KEY_ID/…, AWS_PROFILE and
 * ~/.aws, instance roles (the SDK's default chain), AWS_REGION, and AWS_ENDPOINT_URL_S3 or
 * AWS_ENDPOINT_URL for an S3-compatible server, which also turns on path-style addressing
 * (MinIO, Ceph, Garage and the test server have no per-bucket host names).
 *
 * put() streams through lib-storage's Upload: multipart for anything over one part, at most
 * `queueSize` parts of `partSize` in memory, and the object appears only when the upload
 * completes (an aborted one is removed, never left half-visible).
 */

export interface S3TargetOptions {
  bucket: string;
  /** without leading or trailing `/`; '' for the bucket's root */
  prefix: string;
  env?: NodeJS.ProcessEnv;
}

/** 8 MiB parts, 2 in flight: ~16 MiB of buffers whatever the snapshot's size (peak RSS goal ≤ 200 MB). */
export const PART_SIZE = 8 * 1024 * 1024;
const QUEUE_SIZE = 2;

export function s3ClientConfig(env: NodeJS.ProcessEnv): S3ClientConfig {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (endpoint ? 'us-east-1' : undefined);
  const keyId = env.AWS_ACCESS_KEY_ID;
  const secret = env.AWS_SECRET_ACCESS_KEY;
  return {
    ...(region ? { region } : {}),
    // the environment given (the CLI's), read here so tests and callers need not touch process.env;
    // without keys in it, the SDK's default chain: AWS_PROFILE / ~/.aws, SSO, instance roles
    ...(keyId && secret
      ? {
          credentials: {
            accessKeyId: keyId,
            secretAccessKey: secret,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : env.AWS_PROFILE
        ? { profile: env.AWS_PROFILE }
        : {}),
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          // S3-compatible servers often lack the CRC checksums the SDK now sends by default; we
          // check every object's sha256 ourselves (catalog + verify)
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
    // a dead endpoint must fail a cron job, not hang it: connect within 10 s, no 2-minute silence
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    maxAttempts: 3,
  };
}

export function s3Target(o: S3TargetOptions): BackupTarget {
  // The SDK warns on Node < 22 about releases after January 2027; package.json pins a release
  // that supports Node 20, and the warning would bury a cron job's real errors on stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const env = o.env ?? process.env;
  const client = new S3Client(s3ClientConfig(env));
  const url = `s3://${o.bucket}${o.prefix === '' ? '' : `/${o.prefix}`}`;
  const full = (op: string, key: string): string => {
    checkKey(url, op, key);
    return o.prefix === '' ? key : `${o.prefix}/${key}`;
  };
  return {
    url,
    async put(key, body) {
      const Key = full('write', key);
      let bytes = 0;
      const counted = new PassThrough({ highWaterMark: 1 << 20 });
      counted.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      // the body's own error (a refused snapshot) must stop the upload and be the one reported
      let bodyError: unknown;
      body.once('error', (e) => {
        bodyError = e;
        counted.destroy(e);
      });
      body.pipe(counted);
      const upload = new Upload({
        client,
        params: { Bucket: o.bucket, Key, Body: counted },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (e) {
        body.destroy();
        throw bodyError ?? targetError(url, 'write', key, e);
      }
      if (bodyError !== undefined) throw bodyError;
      return { bytes };
    },
    async get(key) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: o.bucket, Key: full('read', key) }));
        return r.Body as Readable;
      } catch (e) {
        if (isNotFound(e)) throw objectMissing(url, key);
        throw targetError(url, 'read', key, e);
      }
    },
    async list(prefix) {
      const base = o.prefix === '' ? '' : `${o.prefix}/`;
      const keys: string[] = [];
      let token: string | undefined;
      try {
        do {
          const r = await client.send(
            new ListObjectsV2Command({ Bucket: o.bucket, Prefix: base + prefix, ContinuationToken: token }),
          );
          for (const c of r.Contents ?? []) if (c.Key?.startsWith(base)) keys.push(c.Key.slice(base.length));
          token = r.IsTruncated ? r.NextContinuationToken : undefined;
        } while (token !== undefined);
      } catch (e) {
        throw targetError(url, 'list', prefix || '(all)', e);
      }
      return keys.sort();
    },
    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: o.bucket, Key: full('delete', key) }));
      } catch (e) {
        if (!isNotFound(e)) throw targetError(url, 'delete', key, e);
      }
    },
  };
}

function isNotFound(e: unknown): boolean {
  const x = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (x.name === 'NoSuchBucket') return false; // the target is wrong, not the object
  return x.name === 'NoSuchKey' || x.name === 'NotFound' || x.$metadata?.httpStatusCode === 404;
}
