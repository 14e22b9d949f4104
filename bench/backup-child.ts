// The measured process of the backup benchmark (bundled by bench/backup.ts, run with plain node,
// so its peak RSS is the pipeline's and nothing else's). Modes:
//   store <snapshot> <bucket> <prefix> <recipient>   talos-dr's pipeline to S3 (pipeline.ts)
//   open <record.json> <identity file> <out>         its reverse (open.ts) to a file
//   put <bucket> <prefix> <key>                      stdin → S3 (the shell pipeline's upload step)
//   get <bucket> <prefix> <key>                      S3 → stdout (the shell verify's download step)
// Each prints one JSON line on stderr: {ms, maxRssKiB, …}. S3 settings come from the environment.
import { readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { readIdentityFile } from '../src/backup/age-keys.js';
import { openBackup } from '../src/backup/open.js';
import { readSnapshotHead, storeSnapshot } from '../src/backup/pipeline.js';
import type { BackupRecord } from '../src/backup/record.js';
import { s3Target } from '../src/backup/s3-target.js';
import { Measure } from '../src/backup/streams.js';

const [mode, ...args] = process.argv.slice(2);
const t0 = performance.now();
const report = (extra: Record<string, unknown>): void => {
  const maxRssKiB = process.resourceUsage().maxRSS;
  process.stderr.write(`${JSON.stringify({ ms: performance.now() - t0, maxRssKiB, ...extra })}\n`);
};
const target = (bucket: string, prefix: string) => s3Target({ bucket, prefix, env: process.env });

if (mode === 'store') {
  const [snap, bucket, prefix, recipient] = args as [string, string, string, string];
  const head = await readSnapshotHead(snap);
  const object = await storeSnapshot(head, {
    target: target(bucket, prefix),
    clusterId: 'bench',
    recipients: recipient ? [recipient] : [],
  });
  report({ head: { ...head, takenAt: head.takenAt.toISOString() }, object });
} else if (mode === 'open') {
  const [recordFile, identity, out] = args as [string, string, string];
  const { record, bucket, prefix } = JSON.parse(readFileSync(recordFile, 'utf8')) as {
    record: BackupRecord;
    bucket: string;
    prefix: string;
  };
  const r = await openBackup({
    target: target(bucket, prefix),
    record,
    identities: await readIdentityFile(identity),
    outPath: out,
  });
  report({ opened: r });
  if (!r.ok) process.exitCode = 1;
} else if (mode === 'put') {
  const [bucket, prefix, key] = args as [string, string, string];
  const m = new Measure();
  const [, put] = await Promise.all([pipeline(process.stdin, m), target(bucket, prefix).put(key, m)]);
  report({ bytes: put.bytes, sha256: m.sha256() });
} else if (mode === 'get') {
  const [bucket, prefix, key] = args as [string, string, string];
  const m = new Measure();
  await pipeline(await target(bucket, prefix).get(key), m, process.stdout);
  report({ bytes: m.bytes, sha256: m.sha256() });
} else {
  process.stderr.write('usage: backup-child store|open|put|get …\n');
  process.exitCode = 2;
}
