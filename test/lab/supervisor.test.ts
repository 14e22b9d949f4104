import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labPaths, readNode } from '../../src/lab/state.js';
import { newMemory, superviseOnce } from '../../src/lab/supervisor.js';
import { fakeLab } from '../helpers/lab-files.js';

/**
 * The supervisor's decisions that start no etcd (state files only): it leaves alone what Talos
 * would leave alone (a machine off, a member that left, a Failed service, a frozen member), gives
 * up on a member that exited too often (Failed, as Talos's restart policy), and skips a node
 * whose record another process holds. Starting, joining and promoting real members is the lab
 * suite's (test/integration/lab-load.test.ts restarts a killed member, lab.test.ts the rest).
 */
const DEAD_PID = 2_147_483_000; // no such process: its etcd "exited"

function quiet() {
  const lines: string[] = [];
  const mem = newMemory();
  mem.lastCompact = Date.now(); // no compaction pass (it would call etcdctl)
  return { mem, lines, log: (l: string) => void lines.push(l) };
}

describe('superviseOnce', () => {
  it('a member that exited a 6th time within a minute is given up: Failed, no restart', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'run', pid: DEAD_PID }] });
    const s = quiet();
    const now = Date.now();
    s.mem.restarts.set('lab-cp-1', [now - 59_000, now - 40_000, now - 30_000, now - 20_000, now - 10_000]);
    await superviseOnce(dir, lab, s.mem, s.log);
    const rec = readNode(dir, 'lab-cp-1');
    expect(rec).toMatchObject({ mode: 'failed', pid: null, health: 'Fail', state: 'Failed' });
    expect(rec?.events.at(-1)?.msg).toBe('Failed running task: etcd exited too often, giving up');
    expect(s.lines).toEqual(['lab-cp-1: too many restarts, Failed']);
    expect(s.mem.restarts.get('lab-cp-1')?.length).toBe(6);
  });

  it('leaves a machine that is off, a member that left, a Failed service and a frozen member as they are', async () => {
    const nodes = [
      { mode: 'down' as const, pid: DEAD_PID },
      { mode: 'stopped' as const, pid: null },
      { mode: 'failed' as const, pid: DEAD_PID },
      { mode: 'run' as const, pid: DEAD_PID, frozen: true },
    ];
    const { dir, lab } = fakeLab({ nodes });
    const s = quiet();
    const before = [1, 2, 3, 4].map((i) => readNode(dir, `lab-cp-${i}`));
    await superviseOnce(dir, lab, s.mem, s.log);
    expect([1, 2, 3, 4].map((i) => readNode(dir, `lab-cp-${i}`))).toEqual(before);
    expect(s.lines).toEqual([]);
    expect(s.mem.restarts.size).toBe(0);
  });

  it('a node whose record another live process holds is skipped this pass, silently', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'run', pid: DEAD_PID }] });
    mkdirSync(labPaths(dir).lock('lab-cp-1'));
    writeFileSync(join(labPaths(dir).lock('lab-cp-1'), 'owner'), String(process.pid));
    const s = quiet();
    s.mem.restarts.set('lab-cp-1', Array(5).fill(Date.now()));
    await superviseOnce(dir, lab, s.mem, s.log);
    expect(readNode(dir, 'lab-cp-1')?.mode).toBe('run');
    expect(s.lines).toEqual([]);
  });

  it('a node without a record is named in the log, and the others are still seen to', async () => {
    const { dir, lab } = fakeLab({
      nodes: [
        { mode: 'run', pid: DEAD_PID },
        { mode: 'run', pid: DEAD_PID },
      ],
    });
    const s = quiet();
    const now = Date.now();
    s.mem.restarts.set('lab-cp-2', Array(5).fill(now));
    await superviseOnce(
      dir,
      { ...lab, nodes: [{ index: 9, name: 'lab-cp-9', ip: '127.0.0.129' }, ...lab.nodes.slice(1)] },
      s.mem,
      s.log,
    );
    expect(s.lines[0]).toMatch(/^node lab-cp-9: Error: no record for node lab-cp-9 in /);
    expect(readNode(dir, 'lab-cp-2')?.mode).toBe('failed');
  });
});
