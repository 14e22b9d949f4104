import { describe, expect, it } from 'vitest';
import { quorumSafeToRemove } from '../../src/checks/quorum-safe-to-remove.js';
import { emptyReads } from '../../src/checks/reader.js';
import type { Member, MemberStatus } from '../../src/talos/observations.js';

/**
 * Found by the lab drill (member-not-syncing): a learner never promoted cannot list the members
 * ("etcdserver: rpc not supported for learner"), so quorum-safe-to-remove said "cannot count the
 * voters" and the repair stopped. That refusal is positive evidence its member is a learner (no
 * vote); the voters' own lists are what count. A node that answers with any other error still
 * leaves the count unknown.
 */
const NODES = ['127.0.0.11', '127.0.0.12', '127.0.0.13'];
const IDS = ['a1000000000000a1', 'a2000000000000a2', 'a3000000000000a3'];

function reads(thirdList: { ok: false; reason: string; cause: 'learner' | 'error' }) {
  const list: Member[] = IDS.map((id, i) => ({
    node: '',
    id,
    name: `cp-${i}`,
    peerUrls: [`https://${NODES[i]}:2380`],
    clientUrls: [`https://${NODES[i]}:2379`],
    learner: i === 2,
  }));
  const r = emptyReads();
  NODES.forEach((n, i) => {
    r.members[n] =
      i === 2 ? { ...thirdList, unreachable: false } : { ok: true, value: list.map((m) => ({ ...m, node: n })) };
    const row: MemberStatus = {
      node: n,
      member: IDS[i] ?? '',
      dbSizeBytes: 1,
      inUseBytes: 1,
      inUsePercent: 100,
      leader: IDS[0] ?? '',
      raftIndex: 1,
      raftTerm: 1,
      raftAppliedIndex: 1,
      learner: i === 2,
      protocol: undefined,
      storage: undefined,
      errors: [],
    };
    r.status[n] = { ok: true, value: [row] };
  });
  return r;
}

describe('a learner that cannot list the members', () => {
  it('does not leave the voter count unknown: removing the learner is safe', () => {
    const v = quorumSafeToRemove.evaluate(
      {
        reads: reads({
          ok: false,
          reason: 'rpc error: code = Unavailable desc = etcdserver: rpc not supported for learner',
          cause: 'learner',
        }),
      },
      { nodes: NODES, member: IDS[2] ?? '' },
    );
    expect(v.verdict, v.summary).toBe('pass');
  });

  it('any other error on that node still leaves it unknown', () => {
    const v = quorumSafeToRemove.evaluate(
      { reads: reads({ ok: false, reason: 'rpc error: code = Internal desc = boom', cause: 'error' }) },
      { nodes: NODES, member: IDS[2] ?? '' },
    );
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toContain('127.0.0.13');
  });
});
