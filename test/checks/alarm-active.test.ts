import { describe, expect, it } from 'vitest';
import { alarmActive } from '../../src/checks/alarm-active.js';
import { verdictOf } from '../helpers/check-reads.js';
import { type FakeCluster, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1, ID2] = IDS;
const check = (c: FakeCluster, alarm = 'NOSPACE') => verdictOf(alarmActive, c, { nodes, alarm });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;

describe('alarm-active', () => {
  it('reads the alarm list of every node', () => {
    expect(alarmActive.reads({ nodes, alarm: 'NOSPACE' })).toEqual(nodes.map((n) => ({ kind: 'alarms', node: n })));
  });

  it('passes on one list that shows the alarm, naming every member it is raised on', async () => {
    const c = healthyCluster();
    c.alarms = [
      { member: ID0, kind: 'NOSPACE' },
      { member: ID2, kind: 'NOSPACE' },
    ];
    const v = await check(c);
    expect(v.verdict).toBe('pass');
    expect(v.summary).toBe(`NOSPACE alarm raised on member ${ID0}, ${ID2} (listed by ${A}, ${B} and ${C})`);
    // alarms are cluster state: one answering list is enough, the others may be down
    node(c, A).reach = 'unreachable';
    node(c, B).reach = 'refused';
    expect(await check(c)).toMatchObject({
      verdict: 'pass',
      summary: `NOSPACE alarm raised on member ${ID0}, ${ID2} (listed by ${C})`,
    });
  });

  it('fails only when every node listed the alarms and none shows the one asked for', async () => {
    const c = healthyCluster();
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      expected: 'a NOSPACE alarm raised, last saw no alarm',
      summary: `no NOSPACE alarm is raised, as ${A}, ${B} and ${C} report`,
    });
    c.alarms = [{ member: ID1, kind: 'CORRUPT' }];
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      expected: 'a NOSPACE alarm raised, last saw raised: CORRUPT',
      summary: `no NOSPACE alarm is raised (raised: CORRUPT), as ${A}, ${B} and ${C} report`,
    });
    expect((await check(c, 'CORRUPT')).verdict).toBe('pass');
  });

  it('does not count the NONE row etcd prints as an alarm raised', async () => {
    const c = healthyCluster();
    c.alarms = [{ member: ID0, kind: 'NONE' }];
    expect((await check(c)).summary).toBe(`no NOSPACE alarm is raised, as ${A}, ${B} and ${C} report`);
  });

  it('cannot tell while a node that may hold the alarm was not read', async () => {
    const c = healthyCluster();
    node(c, C).reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `no NOSPACE alarm in the lists of ${A} and ${B} (no alarm), but ${timedOut(C)}`,
    });
    c.alarms = [{ member: ID1, kind: 'CORRUPT' }];
    expect((await check(c)).summary).toBe(
      `no NOSPACE alarm in the lists of ${A} and ${B} (raised: CORRUPT), but ${timedOut(C)}`,
    );
    for (const n of c.nodes) n.reach = 'unreachable';
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `cannot list alarms: ${timedOut(A)}; ${timedOut(B)}; ${timedOut(C)}`,
    });
  });

  it('names a missing alarm argument', async () => {
    expect((await verdictOf(alarmActive, healthyCluster(), { nodes })).summary).toBe(
      'check alarm-active: argument "alarm" must be a non-empty string',
    );
  });
});
