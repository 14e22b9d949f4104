import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  addEvent,
  defaultLabDir,
  labPaths,
  type NodeRecord,
  readLabState,
  readNode,
  withLock,
  withNode,
  writeNode,
} from '../../src/lab/state.js';

/** The lab's state files and its per-node mkdir lock (a temp dir: no etcd, no supervisor). */

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const fresh = () => {
  dir = mkdtempSync(join(tmpdir(), 'tdr-lab-state-'));
  mkdirSync(labPaths(dir).nodes, { recursive: true });
  return dir;
};
const node = (name: string): NodeRecord =>
  ({ name, mode: 'run', state: 'Running', health: 'OK', healthMessage: '', events: [] }) as unknown as NodeRecord;

describe('the lab dir', () => {
  it('TALOS_DR_LAB_DIR, else ./.talos-dr/lab, resolved against the working directory', () => {
    expect(defaultLabDir({}, '/work')).toBe('/work/.talos-dr/lab');
    expect(defaultLabDir({ TALOS_DR_LAB_DIR: 'labs/a' }, '/work')).toBe('/work/labs/a');
    expect(defaultLabDir({ TALOS_DR_LAB_DIR: '/tmp/lab' }, '/work')).toBe('/tmp/lab');
  });

  it('no lab, or a torn lab.json, reads as no lab', () => {
    const d = fresh();
    expect(readLabState(d)).toBeNull();
    writeFileSync(labPaths(d).state, '{"nodes": [');
    expect(readLabState(d)).toBeNull();
    expect(readNode(d, 'lab-cp-1')).toBeNull();
  });
});

describe('addEvent', () => {
  it('sets the state and keeps the last 30 events, in order', () => {
    const r = node('lab-cp-1');
    for (let i = 0; i < 35; i++) addEvent(r, i % 2 ? 'Running' : 'Preparing', `e${i}`, i);
    expect(r.state).toBe('Preparing');
    expect(r.events).toHaveLength(30);
    expect(r.events[0]).toEqual({ state: 'Running', msg: 'e5', ts: 5 });
    expect(r.events.at(-1)?.msg).toBe('e34');
  });
});

describe('withNode and withLock', () => {
  it('writes the record back after fn, and releases the lock', async () => {
    const d = fresh();
    writeNode(d, node('lab-cp-1'));
    const got = await withNode(d, 'lab-cp-1', (r) => {
      addEvent(r, 'Failed', 'etcd exited', 1);
      return 'done';
    });
    expect(got).toBe('done');
    expect(readNode(d, 'lab-cp-1')?.state).toBe('Failed');
    expect(existsSync(labPaths(d).lock('lab-cp-1'))).toBe(false);
  });

  it('releases the lock when fn throws; a node without a record is an error naming it', async () => {
    const d = fresh();
    await expect(withNode(d, 'lab-cp-9', () => 1)).rejects.toThrow(`no record for node lab-cp-9 in ${d}`);
    expect(existsSync(labPaths(d).lock('lab-cp-9'))).toBe(false);
  });

  it('takes over a lock whose owner is dead; waits for a live owner, then says who holds it', async () => {
    const d = fresh();
    const lock = join(d, 'x.lock');
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), '2147483646'); // no such pid
    expect(await withLock(lock, 'x', 1000, () => 'taken over')).toBe('taken over');
    mkdirSync(lock);
    writeFileSync(join(lock, 'owner'), String(process.pid)); // alive: this process
    await expect(withLock(lock, 'node lab-cp-2', 120, () => 'never')).rejects.toThrow(
      `node lab-cp-2 is busy (lock ${lock} held by ${process.pid})`,
    );
    expect(readFileSync(join(lock, 'owner'), 'utf8')).toBe(String(process.pid));
  });

  it('serialises two holders of the same lock', async () => {
    const d = fresh();
    const lock = join(d, 'y.lock');
    const order: string[] = [];
    const hold = (name: string) =>
      withLock(lock, name, 5000, async () => {
        order.push(`${name} in`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${name} out`);
      });
    await Promise.all([hold('a'), hold('b')]);
    expect(order).toEqual(['a in', 'a out', 'b in', 'b out']);
  });
});
