import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quorum, quorumSafeToRemove } from '../../src/checks/quorum-safe-to-remove.js';
import { emptyReads } from '../../src/checks/reader.js';
import type { Member, MemberStatus } from '../../src/talos/observations.js';

describe('quorum math', () => {
  it.each([
    [0, 1],
    [1, 1],
    [2, 2],
    [3, 2],
    [4, 3],
    [5, 3],
    [6, 4],
    [7, 4],
  ])('quorum(%i) = %i', (n, q) => {
    expect(quorum(n)).toBe(q);
  });

  // voters, alive (answering) voters, whether the removed member is alive → safe?
  it.each([
    [1, 1, true, false], // removing the last member leaves 0 < quorum(0)=1
    [2, 2, true, true], // 1 left, quorum 1
    [2, 1, false, true], // remove the dead one: 1 alive, quorum 1
    [3, 3, true, true], // 2 left, quorum 2
    [3, 2, false, true], // remove the dead one of three: 2 alive, quorum 2
    [3, 2, true, false], // remove a live one while another is dead: 1 < 2
    [4, 3, false, true], // 3 left, all alive, quorum 2
    [4, 2, false, true], // remove a dead one of four: 3 left, 2 alive ≥ quorum(3)=2
    [4, 2, true, false], // remove a live one of four with two dead: 1 < quorum(3)=2
    [5, 3, true, false], // 4 left, 2 alive, quorum 3
    [5, 4, false, true], // 4 left, 4 alive, quorum 3
  ])('%i voters, %i answering, removed member answering: %s → safe %s', (voters, alive, removedAlive, safe) => {
    expect(evaluate(voters, alive, removedAlive).verdict).toBe(safe ? 'pass' : 'fail');
  });

  it('agrees with the rule for any cluster (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        fc.boolean(),
        (voters, aliveRaw, removedAlive) => {
          const alive = Math.min(aliveRaw, voters);
          if (removedAlive && alive === 0) return;
          if (!removedAlive && alive === voters) return;
          const aliveAfter = removedAlive ? alive - 1 : alive;
          const v = evaluate(voters, alive, removedAlive);
          // with nobody answering, nobody lists the members: unknown
          const want = alive === 0 ? 'unknown' : aliveAfter >= quorum(voters - 1) ? 'pass' : 'fail';
          expect(v.verdict).toBe(want);
        },
      ),
    );
  });
});

/** Evaluates over a cluster of `voters` members; the first `alive` answer status; member 0 is removed. */
function evaluate(voters: number, alive: number, removedAlive: boolean) {
  const ids = Array.from({ length: voters }, (_, i) => i.toString(16).padStart(16, '0').replace(/^0/, 'a'));
  const nodes = ids.map((_, i) => `127.0.0.${11 + i}`);
  const aliveIdx = new Set(
    Array.from({ length: voters }, (_, i) => i).filter((i) => (removedAlive ? i < alive : i >= 1 && i <= alive)),
  );
  const list: Member[] = ids.map((id, i) => ({
    node: '',
    id,
    name: `cp-${i}`,
    peerUrls: [`https://${nodes[i]}:2380`],
    clientUrls: [`https://${nodes[i]}:2379`],
    learner: false,
  }));
  const reads = emptyReads();
  for (const [i, n] of nodes.entries()) {
    if (!aliveIdx.has(i)) {
      // positively dead (apid refused): a bare timeout would leave the count unknown (issue #14)
      reads.members[n] = { ok: false, reason: 'connection refused', unreachable: true, cause: 'node-unreachable' };
      reads.status[n] = { ok: false, reason: 'connection refused', unreachable: true, cause: 'node-unreachable' };
      continue;
    }
    reads.members[n] = { ok: true, value: list.map((m) => ({ ...m, node: n })) };
    const row: MemberStatus = {
      node: n,
      member: ids[i] ?? '',
      dbSizeBytes: 1,
      inUseBytes: 1,
      inUsePercent: 100,
      leader: ids[[...aliveIdx][0] ?? 0] ?? '',
      raftIndex: 1,
      raftTerm: 1,
      raftAppliedIndex: 1,
      learner: false,
      protocol: undefined,
      storage: undefined,
      errors: [],
    };
    reads.status[n] = { ok: true, value: [row] };
  }
  return quorumSafeToRemove.evaluate({ reads }, { nodes, member: ids[0] ?? '' });
}
