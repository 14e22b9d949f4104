import { gatherReads, readsOf } from './reader.js';
import { defineCheck, fmt, type Json, optionalNodesArg, stringArg } from './verdict.js';
import { answers, failedJson, failedText } from './view.js';

/** etcd appends a 32-byte sha256 to a bbolt file of 512-byte pages: a complete snapshot has size % 512 == 32. */
export function hasChecksumTrailer(bytes: number): boolean {
  return bytes % 512 === 32;
}

/**
 * The snapshot file exists, is complete, has readable status (hash, revision, keys: all recorded),
 * and, when live nodes are given, no live member is at a newer revision than the snapshot: a
 * member seen ahead fails it; a member whose revision was not read leaves it unknown (it may be
 * the newer one, and passing would skip the approval of losing its data).
 */
export const snapshotVerified = defineCheck({
  name: 'snapshot-verified',
  reads: (args) => readsOf(['revision'], optionalNodesArg(args)),
  async observe(ports, args) {
    const path = stringArg(args, 'path');
    const reads = await gatherReads(ports.cluster, readsOf(['revision'], optionalNodesArg(args)));
    if (!ports.snapshots)
      return { reads, snapshot: { path, stat: null, status: { error: 'no snapshot reader available' } } };
    const stat = await ports.snapshots.stat(path);
    const status = stat === null ? null : await ports.snapshots.status(path);
    return { reads, snapshot: { path, stat, status } };
  },
  evaluate({ reads, snapshot }, args) {
    const path = stringArg(args, 'path');
    const nodes = optionalNodesArg(args);
    const expected = `a complete snapshot at ${path} (size % 512 = 32) with readable status${nodes.length > 0 ? ', not behind any live member' : ''}`;
    const fail = (summary: string, observed: Record<string, Json>) => ({
      verdict: 'fail' as const,
      observed,
      expected: `${expected}, last saw ${summary}`,
      summary,
    });
    // no snapshot port: nothing was looked at, which says nothing about the file
    if (snapshot?.stat === null && snapshot.status !== null && 'error' in snapshot.status)
      return {
        verdict: 'unknown',
        observed: { path },
        expected,
        summary: `cannot check snapshot ${path}: ${snapshot.status.error}`,
      };
    if (!snapshot || snapshot.stat === null)
      return fail(`snapshot file ${path} does not exist`, { path, exists: false });
    const bytes = snapshot.stat.bytes;
    const observed: Record<string, Json> = { path, bytes };
    if (!hasChecksumTrailer(bytes))
      return fail(
        `snapshot ${path} is incomplete: ${fmt(bytes)} bytes, size % 512 = ${bytes % 512} (a complete one gives 32)`,
        observed,
      );
    const st = snapshot.status;
    if (st === null || 'error' in st)
      return fail(`snapshot ${path} status cannot be read: ${st?.error ?? 'no status'}`, observed);
    Object.assign(observed, { hash: st.hash, revision: st.revision, totalKeys: st.totalKeys, totalSize: st.totalSize });
    const facts = `hash ${st.hash}, revision ${fmt(st.revision)}, ${fmt(st.totalKeys)} keys`;
    if (nodes.length === 0)
      return {
        verdict: 'pass',
        observed,
        expected,
        summary: `snapshot ${path} is complete: ${fmt(bytes)} bytes, ${facts}`,
      };
    const revs = answers(reads.revision, nodes);
    observed.liveRevisions = Object.fromEntries(revs.answered.map((r) => [r.node, r.value]));
    observed.unanswered = failedJson(revs.failed);
    const ahead = revs.answered.filter((r) => r.value > st.revision).sort((x, y) => y.value - x.value)[0];
    if (ahead)
      return fail(
        `snapshot revision ${fmt(st.revision)} is behind the live revision ${fmt(ahead.value)} on ${ahead.node}`,
        observed,
      );
    if (revs.failed.length > 0)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: `snapshot ${path} is complete (${facts})${revs.answered.length > 0 ? ` and not behind ${revs.answered.map((r) => r.node).join(', ')}` : ''}, but ${revs.failed.map((f) => f.node).join(', ')}, not seen, may be newer: ${failedText(revs.failed)}`,
      };
    return {
      verdict: 'pass',
      observed,
      expected,
      summary: `snapshot ${path} is complete: ${fmt(bytes)} bytes, ${facts}, not behind any live member`,
    };
  },
});
