import { describe, expect, it } from 'vitest';
import { allMembersStarted } from '../../src/checks/all-members-started.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, IDS, memberOf, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [, ID1, ID2] = IDS;
const check = (c: FakeCluster, on: string[] = nodes) => verdictOf(allMembersStarted, c, { nodes: on });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;

describe('all-members-started', () => {
  it('passes when every node lists every member with a name and client URLs', async () => {
    expect(await check(healthyCluster())).toMatchObject({ verdict: 'pass', summary: 'all 3 members have started' });
  });

  it('fails on a member added but not started (no name, no client URLs), with its peer URL', async () => {
    const c = healthyCluster();
    node(c, C).name = '';
    const v = await check(c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(`member ${ID2} (peer https://${C}:2380) has not started`);
    expect(v.observed.members).toContainEqual({ id: ID2, name: '', started: false });
    node(c, B).name = '';
    expect((await check(c)).summary).toBe(
      `member ${ID1} (peer https://${B}:2380) and member ${ID2} (peer https://${C}:2380) have not started`,
    );
  });

  it('fails on a named member without client URLs, and one without peer URLs says so', async () => {
    const c = healthyCluster();
    const list = c.nodes.map(memberOf);
    list[2] = { ...memberOf(node(c, C)), clientUrls: [], peerUrls: [] };
    for (const n of c.nodes) n.members = list;
    expect((await check(c)).summary).toBe(`member ${ID2} (peer unknown) has not started`);
  });

  it('fails on a member one list shows unstarted, whichever node is asked first', async () => {
    const c = healthyCluster();
    node(c, B).members = c.nodes.map((n) =>
      n.node === C ? { ...memberOf(n), name: '', clientUrls: [] } : memberOf(n),
    );
    for (const order of [nodes, [B, A, C], [C, A, B]])
      expect((await check(c, order)).verdict, order.join()).toBe('fail');
  });

  it('cannot tell while a list was not seen; a failure seen still fails', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `3 members started as ${A} and ${B} list, but ${timedOut(C)}`,
    });
    node(c, B).name = '';
    expect((await check(c)).verdict).toBe('fail');
    for (const n of c.nodes) n.reach = 'unreachable';
    expect((await check(c)).summary).toBe(`no node listed the members: ${timedOut(A)}; ${timedOut(B)}; ${timedOut(C)}`);
  });
});
