import { describe, expect, it } from 'vitest';
import { CHECKS, type CheckName } from '../../src/checks/catalog.js';
import { emptyReads, type SnapshotReader } from '../../src/checks/reader.js';
import { CHECK_IMPLS, runCheck } from '../../src/checks/registry.js';
import type { CheckArgs, Json, Verdict } from '../../src/checks/verdict.js';
import { type FakeCluster, fakeReader, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;

async function check(name: CheckName, c: FakeCluster, args: CheckArgs = {}, prev?: Json): Promise<Verdict> {
  return (await runCheck(name, { nodes, ...args }, { cluster: fakeReader(c) }, prev)).verdict;
}

describe('registry', () => {
  it('implements every check of the catalog, under its own name', () => {
    expect(Object.keys(CHECK_IMPLS).sort()).toEqual(Object.keys(CHECKS).sort());
    for (const [name, impl] of Object.entries(CHECK_IMPLS)) expect(impl.name).toBe(name);
  });

  it('evaluate never throws: empty reads and bad arguments give unknown or fail with a reason', () => {
    for (const impl of Object.values(CHECK_IMPLS)) {
      for (const args of [{}, { nodes }, { nodes: 42 as unknown as string, member: 'zz', count: -1 }]) {
        const v = impl.evaluate({ reads: emptyReads() }, args as CheckArgs);
        expect(['fail', 'unknown']).toContain(v.verdict);
        expect(v.summary.length).toBeGreaterThan(10);
      }
    }
  });

  it('reports a bad argument as unknown naming the argument', async () => {
    const v = await check('member-present', healthyCluster(), { member: 'not-hex' });
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toBe(
      'check member-present: argument "member" must be an etcd member id of 16 hex digits, got "not-hex"',
    );
  });

  it('links the raw commands behind a verdict as evidence', async () => {
    const v = await check('leader-elected', healthyCluster());
    expect(v.evidence?.sort()).toEqual(nodes.map((n) => `cmd:status:${n}`));
  });
});

describe('alarm checks', () => {
  it('alarm-active passes when any answering node lists the alarm', async () => {
    const c = healthyCluster();
    c.alarms = [{ member: ID1, kind: 'NOSPACE' }];
    node(c, A).reach = 'unreachable';
    const v = await check('alarm-active', c, { alarm: 'NOSPACE' });
    expect(v.verdict).toBe('pass');
    expect(v.summary).toBe(`NOSPACE alarm raised on member ${ID1} (listed by ${B} and ${C})`);
  });

  it('alarm-active fails when no alarm is raised, unknown when no node answers', async () => {
    const c = healthyCluster();
    expect((await check('alarm-active', c, { alarm: 'NOSPACE' })).verdict).toBe('fail');
    c.alarms = [{ member: ID0, kind: 'CORRUPT' }];
    const v = await check('alarm-active', c, { alarm: 'NOSPACE' });
    expect(v.summary).toContain('(raised: CORRUPT)');
    for (const n of c.nodes) n.reach = 'unreachable';
    expect((await check('alarm-active', c, { alarm: 'NOSPACE' })).verdict).toBe('unknown');
  });

  it('no-alarms names alarms raised on several members and who saw them', async () => {
    const c = healthyCluster();
    c.alarms = [
      { member: ID0, kind: 'NOSPACE' },
      { member: ID2, kind: 'NOSPACE' },
    ];
    const v = await check('no-alarms', c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toContain(`NOSPACE on member ${ID0} on ${A} is raised (seen from ${A}, ${B} and ${C})`);
    expect(v.summary).toContain(`NOSPACE on member ${ID2} on ${C} is raised`);
    expect(v.summary).toContain(`member ${ID0} on ${A} reports alarm:NOSPACE`);
  });

  it('no-alarms passes on a clean cluster and is unknown when a node does not answer', async () => {
    const c = healthyCluster();
    expect((await check('no-alarms', c)).verdict).toBe('pass');
    node(c, C).reach = 'unreachable';
    const v = await check('no-alarms', c);
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toBe(
      `no alarm seen, but alarm list: ${C} did not answer (timed out after 10s asking ${C}); etcd status: ${C} did not answer (timed out after 10s asking ${C})`,
    );
  });
});

describe('membership checks', () => {
  it('members-count passes when every answering node lists the count', async () => {
    const c = healthyCluster();
    expect((await check('members-count', c, { count: 3 })).verdict).toBe('pass');
    const v = await check('members-count', c, { count: 2 });
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(`expected 2 members, but ${A} lists 3, ${B} lists 3 and ${C} lists 3`);
    expect(v.expected).toBe(`2 members as every node sees it, last saw ${A} lists 3, ${B} lists 3 and ${C} lists 3`);
  });

  it('members-count fails when nodes disagree', async () => {
    const c = healthyCluster();
    node(c, C).members = [];
    expect((await check('members-count', c, { count: 3 })).verdict).toBe('fail');
  });

  it('all-members-started names a member added but not started', async () => {
    const c = healthyCluster();
    expect((await check('all-members-started', c)).verdict).toBe('pass');
    node(c, C).name = '';
    const v = await check('all-members-started', c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(`member ${ID2} (peer https://${C}:2380) has not started`);
  });

  it('no-learners names the learner with its lag behind the leader', async () => {
    const c = healthyCluster();
    expect((await check('no-learners', c)).verdict).toBe('pass');
    Object.assign(node(c, C), { learner: true, raftIndex: 1000 - 1204 + 2000 });
    node(c, A).raftIndex = 3000;
    node(c, B).raftIndex = 3000;
    node(c, C).raftIndex = 3000 - 1204;
    const v = await check('no-learners', c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(`member ${ID2} on ${C} is a learner, 1,204 entries behind the leader`);
  });

  it('member-present / member-absent', async () => {
    const c = healthyCluster();
    expect((await check('member-present', c, { member: ID1 })).verdict).toBe('pass');
    expect((await check('member-absent', c, { member: ID1 })).verdict).toBe('fail');
    const gone = 'aaaaaaaaaaaaaaaa';
    expect((await check('member-absent', c, { member: gone })).verdict).toBe('pass');
    const v = await check('member-present', c, { member: gone });
    expect(v.summary).toBe(`member ${gone} is missing from the member list of ${A}, ${B} and ${C}`);
  });

  it('member-absent fails while one node still lists the member, unknown when none answers', async () => {
    const c = healthyCluster();
    const list = c.nodes.map((n) => ({
      node: n.node,
      id: n.id,
      name: n.name,
      peerUrls: [],
      clientUrls: [],
      learner: false,
    }));
    node(c, A).members = list.filter((m) => m.id !== ID2);
    node(c, B).members = list;
    const v = await check('member-absent', c, { member: ID2, nodes: [A, B] });
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(`member ${ID2} is still in the member list of ${B}`);
    for (const n of c.nodes) n.reach = 'etcd-down';
    expect((await check('member-absent', c, { member: ID2 })).verdict).toBe('unknown');
  });
});

describe('member-healthy', () => {
  it('passes for a caught-up voter and for the leader', async () => {
    const c = healthyCluster();
    expect((await check('member-healthy', c, { node: B })).summary).toBe(
      `member ${ID1} on ${B} is healthy (0 behind leader ${ID0} on ${A})`,
    );
    expect((await check('member-healthy', c, { node: A })).summary).toBe(
      `member ${ID0} on ${A} is healthy (the leader)`,
    );
  });

  it('fails for lag beyond maxLag, a learner, errors, or no answer', async () => {
    const c = healthyCluster();
    node(c, B).raftIndex = 1000 - 150;
    expect((await check('member-healthy', c, { node: B })).summary).toBe(
      `member ${ID1} on ${B} is 150 entries behind leader ${ID0} on ${A} (raft index 850, the leader's 1,000; at most 100 allowed)`,
    );
    expect((await check('member-healthy', c, { node: B, maxLag: 200 })).verdict).toBe('pass');
    node(c, B).learner = true;
    expect((await check('member-healthy', c, { node: B })).summary).toBe(`member ${ID1} on ${B} is still a learner`);
    node(c, B).learner = false;
    node(c, B).errors = ['etcdserver: mvcc: database space exceeded'];
    expect((await check('member-healthy', c, { node: B })).verdict).toBe('fail');
    // a refused node is positive evidence; a timeout alone is not (was 'fail' before issue #14)
    node(c, B).reach = 'refused';
    const v = await check('member-healthy', c, { node: B });
    expect(v.verdict).toBe('fail');
    expect(v.summary).toMatch(
      new RegExp(
        `^etcd on ${B} did not answer \`etcd status\` \\(member id unknown\\): connection error: desc = "transport: Error while dialing: dial tcp 10\\.0\\.0\\.9:50000: connect: connection refused"$`,
      ),
    );
    node(c, B).reach = 'unreachable';
    const t = await check('member-healthy', c, { node: B });
    expect(t.verdict).toBe('unknown');
    expect(t.summary).toBe(
      `cannot see etcd on ${B} (member id unknown): ${B} did not answer (timed out after 10s asking ${B})`,
    );
  });

  it('is unknown when the leader is not among the answering nodes', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'unreachable';
    expect((await check('member-healthy', c, { node: B })).verdict).toBe('unknown');
  });
});

describe('leader-elected', () => {
  it('passes with one leader agreed by all', async () => {
    const v = await check('leader-elected', healthyCluster());
    expect(v.verdict).toBe('pass');
    expect(v.summary).toBe(`leader ${ID0} on ${A}, agreed by ${A}, ${B} and ${C}`);
  });

  it('fails with no leader', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.leader = '0000000000000000';
    const v = await check('leader-elected', c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(`member ${ID0} on ${A}, member ${ID1} on ${B} and member ${ID2} on ${C} know no leader`);
  });

  it('fails with two leaders', async () => {
    const c = healthyCluster();
    node(c, C).leader = ID2;
    const v = await check('leader-elected', c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(
      `members disagree on the leader: ${A} and ${B} say ${ID0} on ${A}; ${C} says ${ID2} on ${C}`,
    );
  });

  // issue #14: a wait must not move on over a member it could not see (it passed before)
  it('is unknown when one member times out, fails when one is refused, and says which', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    const v = await check('leader-elected', c);
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toBe(
      `leader ${ID0} on ${A}, agreed by ${A} and ${B}, but ${C} did not answer (timed out after 10s asking ${C})`,
    );
    node(c, C).reach = 'etcd-down';
    const f = await check('leader-elected', c);
    expect(f.verdict).toBe('fail');
    expect(f.summary).toMatch(
      new RegExp(
        `^etcd on ${C} did not answer \`etcd status\` \\(member id unknown\\): its etcd refused the connection`,
      ),
    );
    for (const n of c.nodes) n.reach = 'unreachable';
    expect((await check('leader-elected', c)).verdict).toBe('unknown');
  });
});

describe('raft-converged over polls', () => {
  it('passes only after K consecutive polls within the spread, and resets on a bad poll', async () => {
    const c = healthyCluster();
    const args = { maxSpread: 10, polls: 3 };
    const seq: string[] = [];
    let prev: Json | undefined;
    const spreads = [5, 5, 50, 0, 10, 3, 3];
    for (const s of spreads) {
      node(c, C).raftIndex = 1000 - s;
      const v = await check('raft-converged', c, args, prev);
      prev = v.state;
      seq.push(v.verdict);
    }
    expect(seq).toEqual(['fail', 'fail', 'fail', 'fail', 'fail', 'pass', 'pass']);
    expect(prev).toEqual({ streak: 4, spreads: [10, 3, 3] });
  });

  it('treats an unanswered node as not converged and says how far along it is', async () => {
    const c = healthyCluster();
    let v = await check('raft-converged', c, { polls: 2 });
    expect(v.summary).toBe(
      `raft index spread is 0 (member ${ID0} on ${A} at 1,000 … member ${ID2} on ${C} at 1,000), within 50 for 1 of 2 polls`,
    );
    node(c, B).reach = 'unreachable';
    v = await check('raft-converged', c, { polls: 2 }, v.state);
    // issue #14: a node not seen is unknown, not 'fail' as before; the streak starts again
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toBe(
      `raft index spread 0 among the members seen, but ${B} did not answer (timed out after 10s asking ${B}); the streak starts again`,
    );
    expect(v.state).toEqual({ streak: 0, spreads: [0, null] });
  });

  it('ignores a malformed previous state', async () => {
    const v = await check('raft-converged', healthyCluster(), { polls: 1 }, 'garbage');
    expect(v.verdict).toBe('pass');
  });
});

describe('db-in-use-ratio', () => {
  it('fails naming the members outside the range', async () => {
    const c = healthyCluster();
    expect((await check('db-in-use-ratio', c, { max: 60 })).verdict).toBe('pass');
    node(c, B).inUseBytes = 19_000_000;
    const v = await check('db-in-use-ratio', c, { max: 60 });
    expect(v.summary).toBe(`member ${ID1} on ${B} uses 95.00% of its db (allowed 0–60%)`);
  });
});

describe('db-size-dropped', () => {
  it('passes only when the defragmented member shrank to at most maxPercent of the largest other', async () => {
    const c = healthyCluster();
    node(c, B).dbSizeBytes = 16_000_000; // 80% of the others' 20 MB: mostly live data
    const v = await check('db-size-dropped', c, { node: B, maxPercent: 70 });
    expect(v.verdict).toBe('fail');
    expect(v.summary).toContain('80.0%');
    node(c, B).dbSizeBytes = 2_000_000;
    expect((await check('db-size-dropped', c, { node: B, maxPercent: 70 })).verdict).toBe('pass');
  });
  it('is unknown without another member to compare with', async () => {
    const v = await check('db-size-dropped', healthyCluster(), { node: A, nodes: [A] });
    expect(v.verdict).toBe('unknown');
  });
});

describe('quorum-safe-to-remove', () => {
  it('is safe to remove a dead member of a 3-node cluster but not a live one of a 2-alive cluster', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'refused'; // a timeout alone would not show C dead
    const dead = await check('quorum-safe-to-remove', c, { member: ID2 });
    expect(dead.verdict).toBe('pass');
    expect(dead.summary).toBe(
      `removing member ${ID2} on ${C} leaves 2 voters (quorum 2), 2 of them started and answering: safe`,
    );
    const live = await check('quorum-safe-to-remove', c, { member: ID1 });
    expect(live.verdict).toBe('fail');
    expect(live.summary).toBe(
      `removing member ${ID1} on ${B} leaves 2 voters (quorum 2), 1 of them started and answering: removing it would lose quorum; not answering: member ${ID2} on ${C}`,
    );
  });

  it('fails for a member not in the list', async () => {
    const v = await check('quorum-safe-to-remove', healthyCluster(), { member: 'aaaaaaaaaaaaaaaa' });
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe('member aaaaaaaaaaaaaaaa is not in the member list, so there is nothing to remove');
  });
});

describe('service-state', () => {
  it('passes when all nodes are in the state, fails naming the odd one, unknown when unreachable', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.service = { state: 'Preparing', health: '?' };
    expect((await check('service-state', c, { state: 'Preparing' })).verdict).toBe('pass');
    node(c, B).service = { state: 'Running', health: 'OK' };
    const v = await check('service-state', c, { state: 'Preparing' });
    expect(v.summary).toBe(`etcd on ${B} is Running (health OK)`);
    node(c, B).service = { state: 'Preparing', health: '?' };
    node(c, C).reach = 'unreachable';
    expect((await check('service-state', c, { state: 'Preparing' })).verdict).toBe('unknown');
    node(c, C).reach = 'etcd-down'; // apid answers service etcd even when etcd is down
    expect((await check('service-state', c, { state: 'Preparing', health: 'OK' })).verdict).toBe('fail');
  });
});

describe('snapshot-verified', () => {
  const snaps = (bytes: number | null, revision = 5000): SnapshotReader => ({
    stat: async () => (bytes === null ? null : { bytes }),
    status: async () => ({ hash: 'c25fd181', revision, totalKeys: 1287, totalSize: 3035136 }),
  });
  const run = async (c: FakeCluster, s: SnapshotReader, withNodes: boolean) =>
    (
      await runCheck(
        'snapshot-verified',
        { path: '/tmp/db.snap', ...(withNodes ? { nodes } : {}) },
        { cluster: fakeReader(c), snapshots: s },
      )
    ).verdict;

  it('passes for a complete snapshot and records hash, revision and keys', async () => {
    const v = await run(healthyCluster(), snaps(2015264), false);
    expect(v.verdict).toBe('pass');
    expect(v.observed).toMatchObject({ bytes: 2015264, hash: 'c25fd181', revision: 5000, totalKeys: 1287 });
    expect(v.summary).toBe(
      'snapshot /tmp/db.snap is complete: 2,015,264 bytes, hash c25fd181, revision 5,000, 1,287 keys',
    );
  });

  it('fails for a missing or incomplete file', async () => {
    expect((await run(healthyCluster(), snaps(null), false)).summary).toBe('snapshot file /tmp/db.snap does not exist');
    expect((await run(healthyCluster(), snaps(2015000), false)).summary).toBe(
      'snapshot /tmp/db.snap is incomplete: 2,015,000 bytes, size % 512 = 280 (a complete one gives 32)',
    );
  });

  it('fails when a live member is ahead, unknown without a revision source', async () => {
    const c = healthyCluster();
    node(c, B).revision = 7000;
    const v = await run(c, snaps(2015264), true);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(`snapshot revision 5,000 is behind the live revision 7,000 on ${B}`);
    expect((await run(healthyCluster(), snaps(2015264, 7000), true)).verdict).toBe('pass');
    const noRev = healthyCluster();
    noRev.revisions = false;
    const u = await run(noRev, snaps(2015264), true);
    expect(u.verdict).toBe('unknown');
    expect(u.summary).toContain('no source of member revisions is available');
  });
});
