import { describe, expect, it } from 'vitest';
import type { SnapshotReader } from '../../src/checks/reader.js';
import { hasChecksumTrailer, snapshotVerified } from '../../src/checks/snapshot-verified.js';
import type { CheckArgs, SnapshotFacts } from '../../src/checks/verdict.js';
import { readsFor } from '../helpers/check-reads.js';
import { fakeReader, healthyCluster, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const path = 'db.snapshot';
/** The fake members are at revision 5,000. */
const GOOD = { hash: 'c0ffee12', revision: 5000, totalKeys: 12, totalSize: 4096 };

async function check(
  snapshot: Omit<SnapshotFacts, 'path'> | undefined,
  args: CheckArgs = { path },
  c = healthyCluster(),
) {
  const reads = await readsFor(c, snapshotVerified, args);
  return snapshotVerified.evaluate({ reads, snapshot: snapshot && { path, ...snapshot } }, args);
}
const file = (bytes: number, status: SnapshotFacts['status'] = GOOD) => ({ stat: { bytes }, status });

describe('hasChecksumTrailer: bbolt pages of 512 bytes plus a 32-byte sha256', () => {
  it('is true exactly when size % 512 is 32', () => {
    expect([32, 544, 2 * 512 + 32].map(hasChecksumTrailer)).toEqual([true, true, true]);
    expect([0, 31, 33, 512, 543, 545].map(hasChecksumTrailer)).toEqual([false, false, false, false, false, false]);
  });
});

describe('snapshot-verified', () => {
  it('passes on a complete file with readable status, saying its hash, revision and keys', async () => {
    expect(await check(file(1056))).toMatchObject({
      verdict: 'pass',
      summary: `snapshot ${path} is complete: 1,056 bytes, hash c0ffee12, revision 5,000, 12 keys`,
      observed: { path, bytes: 1056, hash: 'c0ffee12', revision: 5000, totalKeys: 12, totalSize: 4096 },
    });
  });

  it('fails on a missing file, an incomplete one, or a status it cannot read', async () => {
    expect(await check(file(0), { path }).then((v) => v.verdict)).toBe('fail');
    expect(await check({ stat: null, status: null })).toMatchObject({
      verdict: 'fail',
      summary: `snapshot file ${path} does not exist`,
      observed: { path, exists: false },
      expected: `a complete snapshot at ${path} (size % 512 = 32) with readable status, last saw snapshot file ${path} does not exist`,
    });
    expect((await check(undefined)).summary).toBe(`snapshot file ${path} does not exist`);
    expect((await check(file(1000))).summary).toBe(
      `snapshot ${path} is incomplete: 1,000 bytes, size % 512 = 488 (a complete one gives 32)`,
    );
    expect((await check(file(1056, { error: 'invalid database' }))).summary).toBe(
      `snapshot ${path} status cannot be read: invalid database`,
    );
    expect((await check(file(1056, null))).summary).toBe(`snapshot ${path} status cannot be read: no status`);
  });

  it('with live nodes: passes at the same revision, fails when one member is ahead (naming the newest)', async () => {
    const args = { path, nodes };
    const c = healthyCluster();
    expect(await check(file(1056), args, c)).toMatchObject({
      verdict: 'pass',
      summary: `snapshot ${path} is complete: 1,056 bytes, hash c0ffee12, revision 5,000, 12 keys, not behind any live member`,
    });
    node(c, B).revision = 5001;
    node(c, C).revision = 6000;
    expect(await check(file(1056), args, c)).toMatchObject({
      verdict: 'fail',
      summary: 'snapshot revision 5,000 is behind the live revision 6,000 on 127.0.0.13',
    });
  });

  it('cannot tell while a live member whose revision was not read may be newer', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(file(1056), { path, nodes }, c)).toMatchObject({
      verdict: 'unknown',
      summary: `snapshot ${path} is complete (hash c0ffee12, revision 5,000, 12 keys) and not behind ${A}, ${B}, but ${C}, not seen, may be newer: ${C} did not answer (timed out after 10s asking ${C})`,
    });
    // a member seen ahead fails even so
    node(c, A).revision = 5001;
    expect((await check(file(1056), { path, nodes }, c)).verdict).toBe('fail');
  });

  it('observes the file through the snapshot port, asking no status of a file that is not there', async () => {
    const asked: string[] = [];
    const snapshots = (bytes: number | null): SnapshotReader => ({
      stat: async (p) => {
        asked.push(`stat ${p}`);
        return bytes === null ? null : { bytes };
      },
      status: async (p) => {
        asked.push(`status ${p}`);
        return GOOD;
      },
    });
    const cluster = fakeReader(healthyCluster());
    const o = await snapshotVerified.observe({ cluster, snapshots: snapshots(null) }, { path });
    expect(o.snapshot).toEqual({ path, stat: null, status: null });
    expect(asked).toEqual([`stat ${path}`]);
    const seen = await snapshotVerified.observe({ cluster, snapshots: snapshots(1056) }, { path, nodes });
    expect(seen.snapshot).toEqual({ path, stat: { bytes: 1056 }, status: GOOD });
    expect(Object.keys(seen.reads.revision)).toEqual(nodes);
  });

  it('without a snapshot port says so, not that the file is missing', async () => {
    const o = await snapshotVerified.observe({ cluster: fakeReader(healthyCluster()) }, { path });
    const v = snapshotVerified.evaluate(o, { path });
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toBe(`cannot check snapshot ${path}: no snapshot reader available`);
  });
});
