import { describe, expect, it } from 'vitest';
import { actOutManual } from '../../src/drill/act-out-manual.js';
import { readNode } from '../../src/lab/state.js';
import { fakeLab } from '../helpers/lab-files.js';

/**
 * The drill answering a manual step for the operator: it heals the lab, and says so as the drill
 * (never as a person), with what the heal did or that nothing was down. State files only.
 */
describe('actOutManual', () => {
  it('powers the machines that are off back on and names each in the detail', async () => {
    const { dir } = fakeLab({ nodes: [{ mode: 'down' }, {}, { mode: 'down' }] });
    expect(await actOutManual(dir, 'power-on-all')).toEqual({
      done: true,
      by: 'the drill (acting as operator on the lab)',
      detail:
        'power-on-all: ran `talos-dr lab heal`: 127.0.0.121: machine back, etcd restarting on its data; 127.0.0.123: machine back, etcd restarting on its data',
    });
    expect([1, 2, 3].map((i) => readNode(dir, `lab-cp-${i}`)?.mode)).toEqual(['run', 'run', 'run']);
  });

  it('nothing down: still done, and says nothing was', async () => {
    const { dir } = fakeLab();
    expect(await actOutManual(dir, 'bring-in-replacement')).toEqual({
      done: true,
      by: 'the drill (acting as operator on the lab)',
      detail: 'bring-in-replacement: ran `talos-dr lab heal` (nothing was down)',
    });
  });

  it('one machine back: its one line', async () => {
    const { dir } = fakeLab({ nodes: [{}, { mode: 'down' }] });
    expect((await actOutManual(dir, 'power-on')).detail).toBe(
      'power-on: ran `talos-dr lab heal`: 127.0.0.122: machine back, etcd restarting on its data',
    );
  });

  it('no lab: the heal error, not a claim that it was done', async () => {
    const { dir } = fakeLab();
    await expect(actOutManual(`${dir}/none`, 'x')).rejects.toMatchObject({ code: 'TDR_LAB_NOT_RUNNING' });
  });
});
