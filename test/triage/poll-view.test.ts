import { describe, expect, it } from 'vitest';
import type { MemberStatus } from '../../src/talos/observations.js';
import { viewPoll } from '../../src/triage/poll-view.js';
import { viewOfFixture } from './helpers.js';

const everyVoter = (r: MemberStatus) => !r.learner;

describe('viewPoll', () => {
  it('the leader a quorum follows, with its term, followers and own raft index', async () => {
    const { polls, options } = await viewOfFixture('healthy');
    const p = viewPoll(polls.first, options.nodes, 2, everyVoter);
    expect(p.leader).toMatchObject({
      member: '750f82d0bd760ee4',
      term: 2,
      followers: ['127.0.0.81', '127.0.0.82', '127.0.0.83'],
      node: '127.0.0.81',
    });
    expect(p.astray).toEqual([]);
    expect(Object.values(p.lag).map((l) => l.lag)).toEqual([0, 0, 0]);
  });

  it('no leader when fewer voters than the quorum follow it', async () => {
    const { polls, options } = await viewOfFixture('healthy');
    expect(viewPoll(polls.first, options.nodes, 4, everyVoter).leader).toBeUndefined();
    // and with no leader there is no lag to measure
    expect(viewPoll(polls.first, options.nodes, 4, everyVoter).lag).toEqual({});
  });

  it('a voter that knows no leader is astray', async () => {
    const { polls, options } = await viewOfFixture('derived-partition');
    const p = viewPoll(polls.second, options.nodes, 2, everyVoter);
    expect(p.leader?.member).toBe('750f82d0bd760ee4');
    expect(p.astray).toEqual([{ node: '127.0.0.83', member: 'f01967dd4c9d5919', leader: expect.any(String) }]);
  });

  it('a new leader in poll 2 is seen with its new term', async () => {
    const { view } = await viewOfFixture('derived-flap-leader');
    expect(view.polls.map((p) => [p.leader?.member, p.leader?.term])).toEqual([
      ['750f82d0bd760ee4', 2],
      ['c93b2f5fc7348e76', 4],
    ]);
  });

  it('lag is the leader’s raft index minus the member’s, never below 0', async () => {
    const { view } = await viewOfFixture('derived-lagging');
    const p = view.polls[1];
    const leaderIndex = p.leader?.raftIndex ?? Number.NaN;
    for (const l of Object.values(p.lag)) expect(l.lag).toBe(Math.max(0, leaderIndex - l.raftIndex));
    expect(Math.max(...Object.values(p.lag).map((l) => l.lag))).toBeGreaterThan(100);
  });
});
