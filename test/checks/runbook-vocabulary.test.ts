import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckName } from '../../src/checks/catalog.js';
import { gatherObservation } from '../../src/checks/observe/index.js';
import { runCheck } from '../../src/checks/registry.js';
import type { CheckArgs, Verdict } from '../../src/checks/verdict.js';
import { lintRunbook } from '../../src/compile/lint.js';
import { allSteps } from '../../src/runbook/model.js';
import { type FakeCluster, fakeReader, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

// The checks and observation added for the built-in runbooks: quorum-lost, flag-set, reachable-node.
const nodes = [...NODES];
const [A, B, C] = NODES;
const NO_LEADER = '0000000000000000';

async function check(name: CheckName, c: FakeCluster, args: CheckArgs = {}): Promise<Verdict> {
  return (await runCheck(name, { nodes, ...args }, { cluster: fakeReader(c) })).verdict;
}

describe('quorum-lost', () => {
  it('fails on a healthy cluster, and with one of three members down (quorum holds)', async () => {
    const c = healthyCluster();
    expect((await check('quorum-lost', c)).verdict).toBe('fail');
    node(c, C).reach = 'unreachable';
    const v = await check('quorum-lost', c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(
      `quorum holds: 2 of 3 voters follow leader ${IDS[0]} on ${A}; lost: ${C} does not answer talosctl (etcd status, service etcd and etcd members: timed out after 10s asking ${C})`,
    );
  });

  it('passes when a majority is gone and the survivor knows no leader (the lab quorum-loss fault)', async () => {
    const c = healthyCluster();
    node(c, B).reach = 'unreachable';
    node(c, C).reach = 'unreachable';
    node(c, A).leader = NO_LEADER;
    const v = await check('quorum-lost', c);
    expect(v.verdict).toBe('pass');
    expect(v.summary).toMatch(
      new RegExp(
        `^quorum is lost: 2 voters of 3 seen lost \\(quorum 2\\): ${B} does not answer talosctl .*; cut off \\(etcd runs with its data but knows no leader\\): member ${IDS[0]} on ${A} knows no leader$`,
      ),
    );
  });

  it('a partitioned minority is cut off, not lost: quorum holds, and the summary says partition', async () => {
    const c = healthyCluster();
    node(c, C).leader = NO_LEADER;
    const v = await check('quorum-lost', c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(
      `quorum holds: 2 of 3 voters follow leader ${IDS[0]} on ${A}; member ${IDS[2]} on ${C} knows no leader: cut off from the majority (a network partition on its side), not lost`,
    );
    expect(v.observed).toMatchObject({ lost: [], cutOff: [IDS[2]] });
  });

  it('never passes when the voters run with their data but see no leader (a partition, or an election under way)', async () => {
    // every member restarted after the machines came back, or the network between them is cut:
    // counting them as lost would restore over their data
    const c = healthyCluster();
    for (const n of c.nodes) n.leader = NO_LEADER;
    const v = await check('quorum-lost', c);
    expect(v.verdict).toBe('fail');
    expect(v.summary).toMatch(
      /^quorum is not lost for good: .* a network partition between the members, or an election still under way/,
    );
    // one machine down and two cut off: still not proven lost for good
    node(c, C).reach = 'unreachable';
    expect((await check('quorum-lost', c)).verdict).toBe('fail');
  });

  it('allAnswer: a node that answers nothing is not counted lost (the minority view cannot tell off from hidden)', async () => {
    // the responder and A are on one side of a partition: B and C (the majority) answer nothing
    const c = healthyCluster();
    node(c, B).reach = 'unreachable';
    node(c, C).reach = 'unreachable';
    node(c, A).leader = NO_LEADER;
    expect((await check('quorum-lost', c)).verdict).toBe('pass');
    const v = await check('quorum-lost', c, { allAnswer: true });
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toMatch(/a machine that is off looks the same as a partition that hides a running majority/);
    // machines that answer with etcd down (lost for good, replaced) still count with allAnswer
    node(c, B).reach = 'etcd-down';
    node(c, C).reach = 'etcd-down';
    expect((await check('quorum-lost', c, { allAnswer: true, voters: 3 })).verdict).toBe('pass');
  });

  it('passes when every reachable node has etcd down; unknown when nothing answers at all', async () => {
    const c = healthyCluster();
    for (const n of c.nodes) n.reach = 'etcd-down';
    // no node can print the member list: the voters come from the `voters` argument, or it cannot tell
    expect((await check('quorum-lost', c)).verdict).toBe('unknown');
    expect((await check('quorum-lost', c, { voters: 3 })).verdict).toBe('pass');
    for (const n of c.nodes) n.reach = 'unreachable';
    const v = await check('quorum-lost', c);
    expect(v.verdict).toBe('unknown');
    expect(v.summary).toMatch(/^cannot tell: no node answered talosctl at all/);
  });

  it('counts voters from the member list when it names more members than the nodes asked', async () => {
    const c = healthyCluster();
    // only A and B are asked, but both list three voters: 2 answering voters still make quorum
    const v = (await runCheck('quorum-lost', { nodes: [A, B] }, { cluster: fakeReader(c) })).verdict;
    expect(v.verdict).toBe('fail');
    expect(v.observed).toMatchObject({ voters: 3, quorum: 2 });
  });
});

describe('flag-set', () => {
  it('passes on true, fails on false, unknown on anything else', async () => {
    const c = healthyCluster();
    expect((await check('flag-set', c, { value: true })).verdict).toBe('pass');
    expect((await check('flag-set', c, { value: false })).verdict).toBe('fail');
    expect((await check('flag-set', c, { value: 'yes' })).verdict).toBe('unknown');
    expect((await runCheck('flag-set', { value: true }, { cluster: fakeReader(c) })).verdict.evidence).toBeUndefined();
  });

  it("answers in the runbook's words: the yes:/no: sentence is the summary, never a made-up meaning", async () => {
    const c = healthyCluster();
    const words = { yes: 'the lost member is still named leader', no: 'the lost member is not the leader' };
    expect((await check('flag-set', c, { value: true, ...words })).summary).toBe(words.yes);
    expect((await check('flag-set', c, { value: false, ...words })).summary).toBe(words.no);
    // the sentence of the branch taken, not the other one
    expect((await check('flag-set', c, { value: false, yes: words.yes })).summary).toBe('the value is false');
    // a blank sentence is no sentence; surrounding space is not shown
    expect((await check('flag-set', c, { value: true, yes: '   ' })).summary).toBe('the value is true');
    expect((await check('flag-set', c, { value: true, yes: ' on to it ' })).summary).toBe('on to it');
    // a value that is not a boolean is unknown whatever the runbook's words say
    const bad = await check('flag-set', c, { value: 'true', ...words });
    expect(bad.verdict).toBe('unknown');
    expect(bad.summary).not.toContain(words.yes);
  });

  it('every flag choice of the built-in runbooks names both answers, so the log reads as words', () => {
    for (const file of readdirSync('runbooks').filter((f) => f.endsWith('.yaml'))) {
      const r = lintRunbook(readFileSync(join('runbooks', file), 'utf8'), file);
      if (!r.ok) throw new Error(`${file} does not lint`);
      const flags = allSteps(r.runbook.steps).filter((s) => s.kind === 'choice' && s.check === 'flag-set');
      for (const s of flags) {
        if (s.kind !== 'choice') continue;
        const literal = typeof s.with.value === 'boolean';
        expect(typeof s.with.yes, `${file} ${s.id} yes:`).toBe('string');
        if (!literal) expect(typeof s.with.no, `${file} ${s.id} no:`).toBe('string');
      }
      expect(
        r.warnings.filter((w) => w.code === 'RB1224'),
        file,
      ).toEqual([]);
    }
  });
});

describe('reachable-node', () => {
  const observe = async (c: FakeCluster, args: CheckArgs = {}) =>
    (await gatherObservation('reachable-node', fakeReader(c), { nodes, ...args })).result;

  it('takes the first node that answers service etcd, in the given order', async () => {
    const c = healthyCluster();
    expect(await observe(c)).toMatchObject({ ok: true, outputs: { node: A } });
    node(c, A).reach = 'refused';
    node(c, B).reach = 'etcd-down'; // apid still answers service etcd: a Preparing node is fine
    expect(await observe(c)).toMatchObject({ ok: true, outputs: { node: B } });
    // a timeout is not "does not answer": A may be the node to use, so none is chosen over it
    node(c, A).reach = 'unreachable';
    expect(await observe(c)).toMatchObject({ ok: false });
  });

  it('keeps a preferred node, refuses it when it does not answer or is not one of the nodes', async () => {
    const c = healthyCluster();
    expect(await observe(c, { prefer: C })).toMatchObject({ ok: true, outputs: { node: C } });
    node(c, C).reach = 'unreachable';
    const r = await observe(c, { prefer: C });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^the chosen node does not answer: 127\.0\.0\.13 did not answer/);
    expect(await observe(c, { prefer: '10.0.0.9' })).toMatchObject({ ok: false });
    for (const n of c.nodes) n.reach = 'unreachable';
    expect(await observe(c)).toMatchObject({ ok: false });
  });
});

describe('member-healthy ignoreAlarm', () => {
  it('ignores only the named alarm in status errors (NOSPACE stays raised until disarm)', async () => {
    const c = healthyCluster();
    node(c, B).errors = ['memberID:9043346224467520353 alarm:NOSPACE '];
    expect((await check('member-healthy', c, { node: B })).verdict).toBe('fail');
    expect((await check('member-healthy', c, { node: B, ignoreAlarm: 'NOSPACE' })).verdict).toBe('pass');
    node(c, B).errors = ['memberID:9043346224467520353 alarm:CORRUPT '];
    const v = await check('member-healthy', c, { node: B, ignoreAlarm: 'NOSPACE' });
    expect(v.verdict).toBe('fail');
    expect(v.summary).toBe(`member ${IDS[1]} on ${B} reports alarm:CORRUPT (member 7d806b7a3a41ab61) `);
  });
});
