import { describe, expect, it } from 'vitest';
import { maxRevision } from '../../../src/checks/observe/max-revision.js';
import { derivedOf } from '../../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, NODES, node } from '../../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const max = (c: FakeCluster) => derivedOf(maxRevision, c, { nodes });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;

describe('max-revision', () => {
  it('takes the highest revision, wherever it is; the first node on a tie', async () => {
    const c = healthyCluster();
    expect(await max(c)).toEqual({ ok: true, outputs: { revision: 5000 }, summary: `highest revision 5,000 on ${A}` });
    node(c, C).revision = 9100;
    node(c, B).revision = 9099;
    expect(await max(c)).toEqual({ ok: true, outputs: { revision: 9100 }, summary: `highest revision 9,100 on ${C}` });
  });

  it('names no revision while a member was not read: it may be the one ahead', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await max(c)).toEqual({
      ok: false,
      reason: `cannot tell the highest revision: ${timedOut(C)}; ${C}, not read, may be ahead`,
    });
    for (const n of c.nodes) n.reach = 'unreachable';
    expect(await max(c)).toEqual({
      ok: false,
      reason: `no member revision could be read: ${timedOut(A)}; ${timedOut(B)}; ${timedOut(C)}`,
    });
  });

  it('says so when the reader has no source of revisions, never inventing one', async () => {
    const c = healthyCluster();
    c.revisions = false;
    const r = await max(c);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(
      /^no member revision could be read: 127\.0\.0\.11 answered with an error \(no source of member revisions is available/,
    );
  });
});
