import { describe, expect, it } from 'vitest';
import { noAlarms } from '../../src/checks/no-alarms.js';
import { verdictOf } from '../helpers/check-reads.js';
import { FAILED, type FakeCluster, healthyCluster, IDS, NODES, node } from '../helpers/fake-cluster.js';

const nodes = [...NODES];
const [A, B, C] = NODES;
const [ID0, ID1] = IDS;
const check = (c: FakeCluster) => verdictOf(noAlarms, c, { nodes });
const timedOut = (n: string) => `${n} did not answer (timed out after 10s asking ${n})`;
const decimal = (id: string) => BigInt(`0x${id}`).toString(10);

describe('no-alarms', () => {
  it('passes when every node lists no alarm and shows a status row without errors', async () => {
    expect(await check(healthyCluster())).toMatchObject({
      verdict: 'pass',
      summary: `no alarm raised and no status errors on ${A}, ${B} and ${C}`,
    });
  });

  it('fails on a raised alarm, naming its member and node and who listed it', async () => {
    const c = healthyCluster();
    c.alarms = [{ member: ID0, kind: 'NOSPACE' }];
    node(c, C).reach = 'unreachable';
    const v = await check(c);
    expect(v.verdict).toBe('fail');
    // the fake's status rows carry the alarm as etcd does: in the member's own status errors
    expect(v.summary).toBe(
      `NOSPACE on member ${ID0} on ${A} is raised (seen from ${A} and ${B}); member ${ID0} on ${A} reports alarm:NOSPACE`,
    );
    expect(v.observed.alarms).toEqual([`NOSPACE on member ${ID0} on ${A}`]);
  });

  it('does not take the NONE row for an alarm', async () => {
    const c = healthyCluster();
    c.alarms = [{ member: ID0, kind: 'NONE' }];
    node(c, A).errors = [];
    expect((await verdictOf(noAlarms, c, { nodes: [B, C] })).verdict).toBe('pass');
  });

  it("fails on a status error alone, showing etcd's decimal member id in hex with its node", async () => {
    const c = healthyCluster();
    node(c, B).errors = [`memberID:${decimal(ID0)} alarm:NOSPACE`];
    expect(await check(c)).toMatchObject({
      verdict: 'fail',
      summary: `member ${ID1} on ${B} reports alarm:NOSPACE (member ${ID0} on ${A})`,
      observed: { statusErrors: { [B]: [`memberID:${decimal(ID0)} alarm:NOSPACE`] } },
    });
  });

  it('cannot tell while an alarm list or a status row was not seen, and says which', async () => {
    const c = healthyCluster();
    node(c, C).fail = { alarms: FAILED.denied };
    expect(await check(c)).toMatchObject({
      verdict: 'unknown',
      summary: `no alarm seen, but alarm list: ${C} answered with an error (permission denied (a talosconfig/RBAC problem, not evidence about etcd): not authorized)`,
    });
    node(c, C).fail = { status: FAILED.unparsed };
    expect((await check(c)).summary).toBe(
      `no alarm seen, but etcd status: ${C} answered with an error (output not understood: unknown column "SPARE" in the header of etcd status)`,
    );
    node(c, C).fail = undefined;
    node(c, C).reach = 'unreachable';
    const v = await check(c);
    expect(v.summary).toBe(`no alarm seen, but alarm list: ${timedOut(C)}; etcd status: ${timedOut(C)}`);
    // the log names each node once
    expect(Object.keys(v.observed.unanswered as object)).toEqual([C]);
  });
});
