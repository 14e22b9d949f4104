import { describe, expect, it } from 'vitest';
import { latestReads, membersIn, viewCluster } from '../../src/triage/cluster-view.js';
import { viewOfFixture } from './helpers.js';

/** What the two polls say about each member, on recorded and derived cluster states. */

const states = async (name: string) => (await viewOfFixture(name)).view.members.map((m) => `${m.node}:${m.state}`);

describe('viewCluster: the state of each member', () => {
  it.each([
    ['healthy', ['127.0.0.81:up', '127.0.0.82:up', '127.0.0.83:up']],
    // refused by apid: the machine itself is off
    ['kill', ['127.0.0.81:up', '127.0.0.82:up', '127.0.0.83:machine-down']],
    // the machine answers, its etcd does not
    ['lose', ['127.0.0.81:up', '127.0.0.82:up', '127.0.0.83:etcd-down']],
    // only timeouts: off, or cut off from here; never called down
    ['derived-member-timeout', ['127.0.0.81:up', '127.0.0.82:up', '127.0.0.83:machine-timeout']],
    // a certificate problem is ours, not the member's
    ['derived-certificate', ['127.0.0.81:up', '127.0.0.82:up', '127.0.0.83:unseen']],
    ['derived-partition', ['127.0.0.81:up', '127.0.0.82:up', '127.0.0.83:leaderless']],
    ['quorum-loss', ['127.0.0.81:leaderless', '127.0.0.82:machine-down', '127.0.0.83:machine-down']],
  ])('%s', async (name, expected) => {
    expect(await states(name)).toEqual(expected);
  });

  it('counts voters from the member lists, and a learner is no voter', async () => {
    const { view } = await viewOfFixture('stuck-learner');
    expect(view.fromLists).toBe(true);
    expect({ voters: view.voters, quorum: view.quorum }).toEqual({ voters: 2, quorum: 2 });
    expect(view.members.filter((m) => m.learner).map((m) => m.node)).toEqual(['127.0.0.83']);
    expect(view.votersSource).toMatch(/^the member list of 127\.0\.0\.8\d/);
    const five = (await viewOfFixture('two-lost-of-five')).view;
    expect({ voters: five.voters, quorum: five.quorum }).toEqual({ voters: 5, quorum: 3 });
  });

  it('with no member list: one voter per node, or the members param, the rest not seen', async () => {
    const { view, polls, options } = await viewOfFixture('quorum-loss');
    expect(view.fromLists).toBe(false);
    expect(view.voters).toBe(3);
    expect(view.votersSource).toMatch(/^one per control plane node given/);
    const five = viewCluster(polls.first, polls.second, { ...options, members: 5 });
    expect({ voters: five.voters, quorum: five.quorum }).toEqual({ voters: 5, quorum: 3 });
    expect(five.votersSource).toBe('the members param (no node listed the members)');
    expect(five.members.slice(3).map((m) => [m.id, m.state])).toEqual([
      ['voter 4', 'unseen'],
      ['voter 5', 'unseen'],
    ]);
    expect(five.members[4]?.why).toBe('voter 5 of 5 runs on none of the given nodes (add its node to --param nodes)');
  });

  it('a node given twice is one node', async () => {
    const { polls, options } = await viewOfFixture('healthy');
    const v = viewCluster(polls.first, polls.second, { ...options, nodes: [...options.nodes, ...options.nodes] });
    expect(v.nodes).toEqual(['127.0.0.81', '127.0.0.82', '127.0.0.83']);
    expect(v.members).toHaveLength(3);
  });

  it('membersIn picks members by state', async () => {
    const { view } = await viewOfFixture('two-lost-of-five');
    expect(membersIn(view, 'machine-down', 'etcd-down').map((m) => m.node)).toEqual(['127.0.0.84', '127.0.0.85']);
    expect(membersIn(view, 'replaced')).toEqual([]);
  });
});

describe('latestReads', () => {
  it("takes poll 2's answer where it read again, and keeps poll 1's where it did not", async () => {
    const { polls } = await viewOfFixture('healthy');
    const merged = latestReads(polls.first.reads, polls.second.reads);
    const node = '127.0.0.81';
    expect(merged.status[node]).toBe(polls.second.reads.status[node]);
    // poll 2 reads status only: the member list is poll 1's
    expect(polls.second.reads.members[node]).toBeUndefined();
    expect(merged.members[node]).toBe(polls.first.reads.members[node]);
    // and it copies: the polls themselves are not changed
    expect(merged.status).not.toBe(polls.first.reads.status);
    const empty = latestReads(polls.first.reads, { ...polls.first.reads, status: {} });
    expect(empty.status[node]).toBe(polls.first.reads.status[node]);
  });
});
