import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  labDown,
  labStatus,
  labTalosctl,
  liveEndpoints,
  livePids,
  requireLab,
  supervisorPid,
} from '../../src/lab/lab.js';
import { labPaths, readLabState, writeNode } from '../../src/lab/state.js';
import { fakeLab, nodeRecord } from '../helpers/lab-files.js';

/**
 * Which processes belong to a lab, and `lab down` stopping exactly those. No etcd: stand-in
 * processes carry the markers the lab recognises its own by (a member's `--data-dir <lab>/data/<name>`,
 * the supervisor's lab dir in its command line), and one of another lab must be left running.
 */
const children: ChildProcess[] = [];

/** A process whose command line holds `args` (what the lab reads in /proc/<pid>/cmdline). */
function standIn(args: string[], onTerm = ''): number {
  const child = spawn(process.execPath, ['-e', `${onTerm}setInterval(() => {}, 1000)`, '--', ...args], {
    stdio: 'ignore',
  });
  children.push(child);
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  return child.pid as number;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Waits until the stand-in's command line is in /proc (spawn returns before exec). */
async function ready(pid: number, marker: string): Promise<void> {
  const { isLiveProcess } = await import('../../src/lab/cluster.js');
  for (let i = 0; i < 200 && !isLiveProcess(pid, marker); i++) await new Promise((r) => setTimeout(r, 25));
}

describe('requireLab', () => {
  it('no lab.json: TDR_LAB_NOT_RUNNING naming the dir', () => {
    const { dir } = fakeLab();
    expect(requireLab(dir).nodes.length).toBe(3);
    expect(() => requireLab(`${dir}/none`)).toThrow(expect.objectContaining({ code: 'TDR_LAB_NOT_RUNNING' }));
  });
});

describe('supervisorPid', () => {
  it('null without a pid file, with garbage in it, or when the pid is some other process', async () => {
    const { dir } = fakeLab();
    expect(supervisorPid(dir)).toBeNull();
    writeFileSync(labPaths(dir).supervisorPid, 'not a pid');
    expect(supervisorPid(dir)).toBeNull();
    writeFileSync(labPaths(dir).supervisorPid, String(process.pid)); // alive, but not this lab's supervisor
    expect(supervisorPid(dir)).toBeNull();
    const sup = standIn([dir]);
    await ready(sup, dir);
    writeFileSync(labPaths(dir).supervisorPid, String(sup));
    expect(supervisorPid(dir)).toBe(sup);
  });
});

describe('livePids, liveEndpoints, labStatus', () => {
  it('count a member only when its recorded pid runs with its own data dir; endpoints skip frozen and non-run', async () => {
    const { dir, lab } = fakeLab();
    const d = (n: string) => labPaths(dir).data(n);
    const m1 = standIn(['--data-dir', d('lab-cp-1')]);
    const m2 = standIn(['--data-dir', d('lab-cp-2')]);
    const wrong = standIn(['--data-dir', d('lab-cp-1')]); // recorded for lab-cp-3, but it is lab-cp-1's
    await Promise.all([ready(m1, d('lab-cp-1')), ready(m2, d('lab-cp-2')), ready(wrong, d('lab-cp-1'))]);
    writeNode(dir, nodeRecord('lab-cp-1', '127.0.0.121', { pid: m1 }));
    writeNode(dir, nodeRecord('lab-cp-2', '127.0.0.122', { pid: m2, frozen: true }));
    writeNode(dir, nodeRecord('lab-cp-3', '127.0.0.123', { pid: wrong }));
    expect(livePids(dir)).toEqual([m1, m2]);
    expect(liveEndpoints(dir, lab)).toEqual(['http://127.0.0.121:2379']);
    expect(labStatus(dir).nodes.map((n) => [n.rec.name, n.alive])).toEqual([
      ['lab-cp-1', true],
      ['lab-cp-2', true],
      ['lab-cp-3', false],
    ]);
    writeNode(dir, nodeRecord('lab-cp-1', '127.0.0.121', { pid: m1, mode: 'join' }));
    expect(liveEndpoints(dir, lab)).toEqual([]);
  });
});

describe('labDown', () => {
  it('stops the supervisor, the recorded members and a stray member of this dir, and nothing of another lab', async () => {
    const { dir } = fakeLab();
    const other = fakeLab({ firstIp: '127.0.0.131' });
    const d = (n: string) => labPaths(dir).data(n);
    // the supervisor: on SIGTERM it says it is draining, then exits, as the real one does
    const draining = labPaths(dir).supervisorDraining;
    const sup = standIn(
      [dir],
      `process.on('SIGTERM', () => { require('fs').writeFileSync(${JSON.stringify(draining)}, ''); setTimeout(() => process.exit(0), 50); });`,
    );
    const m1 = standIn(['--data-dir', d('lab-cp-1')]);
    const stray = standIn(['--data-dir', d('lab-cp-2')]); // a member whose pid never reached its record
    const foreign = standIn(['--data-dir', labPaths(other.dir).data('lab-cp-1')]);
    await Promise.all([ready(sup, dir), ready(m1, d('lab-cp-1')), ready(stray, d('lab-cp-2'))]);
    await ready(foreign, labPaths(other.dir).data('lab-cp-1'));
    writeFileSync(labPaths(dir).supervisorPid, String(sup));
    writeNode(dir, nodeRecord('lab-cp-1', '127.0.0.121', { pid: m1 }));
    mkdirSync(labPaths(dir).data('lab-cp-2'), { recursive: true });

    const r = await labDown(dir);
    expect(r.stopped).toEqual([sup, m1, stray]);
    for (const pid of [sup, m1, stray]) expect(alive(pid)).toBe(false);
    expect(alive(foreign)).toBe(true);
    expect(readLabState(dir)).toBeNull();
    expect(existsSync(labPaths(dir).supervisorPid)).toBe(false);
    expect(readLabState(other.dir)).not.toBeNull();
  });

  it('a lab with nothing running: nothing stopped, its state removed', async () => {
    const { dir } = fakeLab();
    expect(await labDown(dir)).toEqual({ stopped: [] });
    expect(readLabState(dir)).toBeNull();
  });
});

describe('labTalosctl', () => {
  it("outside the single executable: this checkout's bin/talosctl-lab, wherever the lab dir is", () => {
    const { dir } = fakeLab();
    expect(labTalosctl(dir)).toBe(resolve('bin/talosctl-lab'));
  });
});
