import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFaults, readRoles } from '../../src/drill/apply-fault.js';
import { labIndependentChecks } from '../../src/drill/lab-grade.js';
import { clientUrl, etcdctl } from '../../src/lab/etcdctl.js';
import { heal } from '../../src/lab/faults.js';
import { labChecksum, labDown, labUp } from '../../src/lab/lab.js';
import type { LabState } from '../../src/lab/state.js';
import { waitBehind, writeLoad } from '../../src/lab/write-load.js';

/**
 * One real 3-member lab on 127.0.0.121–123 for the modules a drill leans on: the write load
 * (writes outside the seeded data set), the roles read from etcd, the drill's independent grade
 * on a healthy and on a broken lab, and the supervisor bringing a killed member back after heal.
 */
const FIRST = '127.0.0.121';
let dir = '';
let lab: LabState;

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'tdr-lab-load-')), 'lab');
  const up = await labUp({ dir, members: 3, quotaBytes: 33554432, seedKeys: 20, firstAddress: FIRST });
  lab = up.lab;
}, 180_000);

afterAll(async () => {
  if (dir) await labDown(dir);
  rmSync(join(dir, '..'), { recursive: true, force: true });
}, 120_000);

const allOk = async (): Promise<boolean> => (await labIndependentChecks(dir, lab)).every((c) => c.ok);

describe('a healthy lab', () => {
  it('passes every independent check; the roles are one leader and the others in node order', async () => {
    const checks = await labIndependentChecks(dir, lab);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.find((c) => c.name === 'all members answer')?.detail).toBe('3 of 3 answer');
    expect(checks.find((c) => c.name === 'one leader')?.detail).toMatch(/^leader [0-9a-f]{16}$/);
    expect(checks.find((c) => c.name === 'member list whole')?.detail).toBe('3 member(s), 3 expected');
    const roles = await readRoles(lab);
    const ips = ['127.0.0.121', '127.0.0.122', '127.0.0.123'];
    expect(ips).toContain(roles.leader);
    expect(roles.followers).toEqual(ips.filter((ip) => ip !== roles.leader));
  });
});

describe('writeLoad and waitBehind', () => {
  it('writes through the leader outside the seeded prefix: the data set is unchanged; stop ends it', async () => {
    const { leader, followers } = await readRoles(lab);
    const before = await labChecksum(dir);
    const load = writeLoad(leader, 50);
    expect(load.describe()).toBe(`a write load of 50 puts/s through ${leader}`);
    await new Promise((r) => setTimeout(r, 1500));
    await load.stop();
    const keys = await etcdctl([clientUrl(leader)], ['get', '/lab/load/', '--prefix', '--keys-only']);
    const n = keys.stdout.split('\n').filter((l) => l.startsWith('/lab/load/')).length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThanOrEqual(500); // keys cycle over 500 slots
    expect(await labChecksum(dir)).toEqual(before);
    // stopped means stopped: no key is written after stop() resolved
    const rev = async () =>
      JSON.parse((await etcdctl([clientUrl(leader)], ['endpoint', 'status', '-w', 'json'])).stdout)[0].Status.header
        .revision;
    const r1 = await rev();
    await new Promise((r) => setTimeout(r, 600));
    expect(await rev()).toBe(r1);
    const follower = followers[0] ?? '';
    expect(await waitBehind(leader, follower, 0)).toMatch(
      new RegExp(`^${follower.replaceAll('.', '\\.')} answers, follows the leader and is -?\\d+ raft entries behind$`),
    );
  });
});

describe('a killed follower', () => {
  it('fails the grade by name; after heal the supervisor brings it back and the grade passes again', async () => {
    const applied = await applyFaults(['kill-follower'], { dir, lab });
    expect(applied.node).toBeDefined();
    const victim = applied.node as string;
    expect(applied.text).toContain(victim);
    const checks = await labIndependentChecks(dir, lab);
    expect(checks.find((c) => c.name === 'all members answer')).toEqual({
      name: 'all members answer',
      ok: false,
      detail: `no answer from ${victim}`,
    });
    await applied.stopLoads();
    await heal(dir);
    const deadline = Date.now() + 90_000;
    while (!(await allOk()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
    expect(await allOk()).toBe(true);
  });
});
