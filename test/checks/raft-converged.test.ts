import { describe, expect, it } from 'vitest';
import { raftConverged, readConvergeState } from '../../src/checks/raft-converged.js';
import type { CheckArgs, Json, Verdict } from '../../src/checks/verdict.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, , C] = NODES;
const [ID0, , ID2] = IDS;
const poll = (c: FakeCluster, args: CheckArgs = {}, prev?: Json) =>
  verdictOf(raftConverged, c, { nodes, ...args }, prev);
/** Polls the same cluster n times, passing each state on, as a wait does. */
async function polls(c: FakeCluster, n: number, args: CheckArgs = {}, prev?: Json): Promise<Verdict> {
  let v: Verdict | undefined;
  let state = prev;
  for (let i = 0; i < n; i++) {
    v = await poll(c, args, state);
    state = v.state;
  }
  if (v === undefined) throw new Error('no poll');
  return v;
}

describe('readConvergeState', () => {
  it('starts afresh on anything odd, keeps what is sound', () => {
    for (const odd of [undefined, null, 3, 'x', [1], { streak: -1 }, { streak: 1.5 }, { streak: '2' }])
      expect(readConvergeState(odd as Json)).toEqual({ streak: 0, spreads: [] });
    expect(readConvergeState({ streak: 2, spreads: [4, null, 'x', 7] })).toEqual({ streak: 2, spreads: [4, null, 7] });
  });
});

describe('raft-converged', () => {
  it('needs `polls` (default 3) consecutive polls within the spread', async () => {
    const c = healthyCluster();
    const first = await poll(c);
    expect(first).toMatchObject({
      verdict: 'fail',
      state: { streak: 1, spreads: [0] },
      summary: `raft index spread is 0 (member ${ID0} on ${A} at 1,000 … member ${ID2} on ${C} at 1,000), within 50 for 1 of 3 polls`,
    });
    expect((await polls(c, 2)).verdict).toBe('fail');
    expect(await polls(c, 3)).toMatchObject({
      verdict: 'pass',
      state: { streak: 3, spreads: [0, 0, 0] },
      summary: 'raft indexes converged: spread 0 ≤ 50 for 3 consecutive polls',
    });
    // the state keeps the last `polls` spreads only
    expect((await polls(c, 5)).state).toEqual({ streak: 5, spreads: [0, 0, 0] });
  });

  it('takes at least one poll, whatever polls says', async () => {
    expect(await poll(healthyCluster(), { polls: 0 }, { streak: 0, spreads: [5, 6] })).toMatchObject({
      verdict: 'pass',
      state: { streak: 1, spreads: [0] },
      expected: 'raft index spread ≤ 50 over every node for 1 consecutive polls',
    });
  });

  it('counts a spread of exactly maxSpread as within, one more as beyond (and starts the streak again)', async () => {
    const c = healthyCluster();
    node(c, C).raftIndex = 950;
    expect((await poll(c, { polls: 1 })).verdict).toBe('pass');
    node(c, C).raftIndex = 949;
    node(c, NODES[1]).raftIndex = 990;
    expect(await poll(c, { polls: 1 }, { streak: 7, spreads: [] })).toMatchObject({
      verdict: 'fail',
      state: { streak: 0, spreads: [51] },
      summary: `raft index spread is 51 (> 50): member ${ID2} on ${C} at 949 … member ${ID0} on ${A} at 1,000`,
    });
    expect((await poll(c, { polls: 1, maxSpread: 51 })).verdict).toBe('pass');
  });

  it('a poll with a node not seen is unknown and starts the streak again; a spread beyond fails even so', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await poll(c, {}, { streak: 2, spreads: [0, 0] })).toMatchObject({
      verdict: 'unknown',
      state: { streak: 0, spreads: [0, 0, null] },
      summary: `raft index spread 0 among the members seen, but ${C} did not answer (timed out after 10s asking ${C}); the streak starts again`,
    });
    node(c, A).raftIndex = 2000;
    expect(await poll(c)).toMatchObject({ verdict: 'fail', observed: { spread: 1000 } });
    for (const n of c.nodes) n.reach = 'unreachable';
    expect((await poll(c)).summary).toMatch(/^no member answered etcd status: 127\.0\.0\.11 did not answer/);
  });
});
