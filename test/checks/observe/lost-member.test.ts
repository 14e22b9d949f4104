import { describe, expect, it } from 'vitest';
import { lostMember } from '../../../src/checks/observe/lost-member.js';
import type { CheckArgs } from '../../../src/checks/verdict.js';
import { derivedOf } from '../../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, IDS, memberOf, NODES, node } from '../../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
const lost = (c: FakeCluster, args: CheckArgs = {}) => derivedOf(lostMember, c, { nodes, ...args });
const NODE_DOWN =
  'the node did not answer: connection error: desc = "transport: Error while dialing: dial tcp 10.0.0.9:50000: connect: connection refused"';
const ETCD_DOWN =
  'its etcd refused the connection: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:2379: connect: connection refused"';

describe('lost-member names the one member positively seen not answering', () => {
  it('a machine that answers nothing: not reachable, and not the leader', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'refused';
    expect(await lost(c)).toEqual({
      ok: true,
      outputs: { node: C, member: ID2, reachable: false, isLeader: false },
      summary: `member ${ID2} on ${C} does not answer (${C} does not answer talosctl (etcd status, service etcd and etcd members: ${NODE_DOWN})); ${C} does not answer talosctl; it is not the leader (leader ${ID0} on ${A})`,
    });
  });

  it('an etcd down on a machine that answers: reachable', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'etcd-down';
    const r = await lost(c);
    expect(r).toMatchObject({ ok: true, outputs: { node: C, member: ID2, reachable: true, isLeader: false } });
    expect(r.ok && r.summary).toBe(
      `member ${ID2} on ${C} does not answer (service etcd on ${C} is Running, health OK, and etcd status and etcd members: ${ETCD_DOWN}); ${C} still answers talosctl; it is not the leader (leader ${ID0} on ${A})`,
    );
    node(c, C).service = { state: 'Preparing', health: '?' };
    expect(await lost(c)).toMatchObject({ ok: true, outputs: { reachable: true } });
  });

  it('the leader the others still name: isLeader', async () => {
    const c = healthyCluster();
    node(c, A).reach = 'etcd-down';
    const r = await lost(c);
    expect(r).toMatchObject({ ok: true, outputs: { node: A, member: ID0, isLeader: true } });
    expect(r.ok && r.summary).toMatch(/; it is still named leader$/);
    node(c, B).leader = ID1;
    const split = await lost(c);
    expect(split).toMatchObject({ ok: true, outputs: { isLeader: false } });
    expect(split.ok && split.summary).toMatch(/; the members that answer agree on no leader$/);
  });

  it('a node that now runs another member (wiped, joined again): its old member is lost', async () => {
    const c = healthyCluster();
    const list = c.nodes.map(memberOf);
    node(c, A).members = list;
    node(c, C).id = 'aaaaaaaaaaaaaaaa';
    expect(await lost(c, { nodes: [A, B, C] })).toMatchObject({
      ok: true,
      outputs: { node: C, member: ID2, reachable: true, isLeader: false },
    });
  });
});

describe('lost-member names none', () => {
  it('when every listed member answers, saying so, with a member cut off named', async () => {
    const c = healthyCluster();
    expect(await lost(c)).toEqual({ ok: false, reason: 'every listed member answers etcd status: no member is lost' });
    node(c, C).leader = '0000000000000000';
    const r = await lost(c);
    expect(!r.ok && r.reason).toMatch(
      new RegExp(
        `^every listed member answers etcd status: no member is lost; member ${ID2} on ${C} knows no leader while 2 members follow`,
      ),
    );
  });

  it('when two do not answer: expected exactly one', async () => {
    const c = healthyCluster();
    node(c, B).reach = 'refused';
    node(c, C).reach = 'etcd-down';
    const r = await lost(c);
    expect(!r.ok && r.reason).toMatch(
      new RegExp(
        `^2 members do not answer \\(member ${ID1} on ${B}: .* and member ${ID2} on ${C}: .*\\): expected exactly one$`,
      ),
    );
  });

  it('when a listed member was not seen (it may be the lost one, or a second)', async () => {
    const c = healthyCluster();
    node(c, B).reach = 'etcd-down';
    node(c, C).fail = { status: FAILED.denied };
    const r = await lost(c);
    expect(!r.ok && r.reason).toMatch(
      new RegExp(
        `^cannot tell which member is lost: member ${ID2}: ${C}: service etcd on ${C} is Running, health OK; etcd status: permission denied .*; no member is named on what was not seen$`,
      ),
    );
    // a listed member on none of the given nodes is not seen either
    const d = await lost(healthyCluster(), { nodes: [A, B] });
    expect(d).toEqual({
      ok: false,
      reason: `cannot tell which member is lost: member ${ID2}: member ${ID2} runs on none of the given nodes (its URLs: https://${C}:2380); no member is named on what was not seen`,
    });
  });

  it('when no node listed the members', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.reach = 'etcd-down';
    const r = await lost(c);
    expect(!r.ok && r.reason).toMatch(/^no node listed the members: 127\.0\.0\.11 did not answer \(its etcd refused/);
  });
});
