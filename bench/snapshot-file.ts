// A generated file shaped like an etcd snapshot, fast: 4 KiB pages (a quarter free, i.e. zero;
// the rest leaf pages of Kubernetes-like keys and values: repeated field names, uids, some random
// bytes, so gzip compresses it about as much as a real cluster's snapshot), then the sha256 of
// all of it as the 32-byte trailer, so size % 512 = 32 and etcd's trailer check passes. It is not
// a bbolt database: `etcdctl snapshot status` cannot read it (the bench skips that step).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';

const PAGE = 4096;
const KINDS = ['pods', 'configmaps', 'secrets', 'services', 'endpointslices', 'leases', 'events', 'replicasets'];
const WORDS = [
  'apiVersion',
  'kind',
  'metadata',
  'managedFields',
  'kube-controller-manager',
  'resourceVersion',
  'creationTimestamp',
  'ownerReferences',
  'fieldsV1',
  'f:status',
  'f:conditions',
  'k:{"type":"Ready"}',
  'lastTransitionTime',
  'operation',
  'Update',
  'app.kubernetes.io/name',
  'containerPort',
  'imagePullPolicy',
  'IfNotPresent',
  'terminationMessagePath',
];

function leafPage(): Buffer {
  const page = Buffer.alloc(PAGE);
  let off = 16; // a page header's worth of zeros
  while (off < PAGE - 64) {
    const kind = KINDS[Math.floor(Math.random() * KINDS.length)] as string;
    const key = `/registry/${kind}/ns-${Math.floor(Math.random() * 40)}/${kind.slice(0, 4)}-${randomBytes(4).toString('hex')}`;
    const words = Array.from({ length: 24 }, () => WORDS[Math.floor(Math.random() * WORDS.length)]).join('":{"');
    const value = Buffer.concat([
      Buffer.from(`k8s\0\n\x02v1\x12${kind}\x1a${key}{"uid":"${randomUUID()}","${words}"}`),
      randomBytes(24),
    ]);
    off += page.write(key, off);
    off += value.copy(page, off);
  }
  return page;
}

/** A pool of pages written over and over (gzip sees 32 KiB at a time: repetition beyond it does not help it). */
function pool(bytes: number): Buffer {
  const pages: Buffer[] = [];
  for (let i = 0; i < bytes / PAGE; i++) pages.push(i % 4 === 3 ? Buffer.alloc(PAGE) : leafPage());
  return Buffer.concat(pages);
}

/** Writes `pages512 * 512 + 32` bytes to path; returns the trailer (hex). */
export function writeSnapshotShaped(path: string, bytes: number): string {
  if (bytes % 512 !== 0) throw new Error('bytes must be a multiple of 512 (the trailer comes on top)');
  const block = pool(32 * 1024 * 1024);
  const hash = createHash('sha256');
  const fd = openSync(path, 'w', 0o600);
  try {
    let left = bytes;
    let n = 0;
    while (left > 0) {
      const chunk = block.subarray(0, Math.min(block.length, left));
      chunk.writeUInt32LE(n++, 8); // each block a little different
      hash.update(chunk);
      writeSync(fd, chunk);
      left -= chunk.length;
    }
    const trailer = hash.digest();
    writeSync(fd, trailer);
    return trailer.toString('hex');
  } finally {
    closeSync(fd);
  }
}
