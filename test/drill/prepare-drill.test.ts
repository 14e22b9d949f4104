import { describe, expect, it } from 'vitest';
import { prepareDrill } from '../../src/drill/prepare-drill.js';
import { readNode } from '../../src/lab/state.js';
import { fakeLab } from '../helpers/lab-files.js';

/**
 * prepareDrill is reached only for a scenario of the drill table; another one is an internal
 * failure that touches nothing (the faults and snapshots themselves need a live lab:
 * test/integration/scenarios/).
 */
describe('prepareDrill', () => {
  it('no row for the scenario: refused before any fault, the lab files untouched', async () => {
    const { dir, lab } = fakeLab({ nodes: [{ mode: 'down' }] });
    await expect(prepareDrill('no-such-drill', { dir, lab, work: dir })).rejects.toMatchObject({
      code: 'TDR_LAB_FAILED',
      message: 'lab: no drill for no-such-drill',
    });
    expect(readNode(dir, 'lab-cp-1')?.mode).toBe('down');
  });
});
