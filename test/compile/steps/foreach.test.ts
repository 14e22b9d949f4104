import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import { compileForeach } from '../../../src/compile/steps/foreach.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/**
 * A foreach: the body runs once per node, in order, with the variable bound; the nodes are
 * resolved once, on entry (an empty list is refused there); a failure in the body leaves the loop.
 */
const PARAMS = '  nodes: { type: nodes, description: n }\n';
const { compiled, runbook: compiledRunbook } = compileText(
  `  - id: each
    foreach: { in: { ref: params.nodes }, as: n }
    steps:
      - id: st
        talosctl: [etcd, status]
        node: { ref: n }
      - id: healthy
        postcondition: { check: member-healthy, with: { nodes: { ref: params.nodes }, node: { ref: n } } }
  - id: ok
    end: { outcome: success, message: done }`,
  PARAMS,
);

describe('compileForeach', () => {
  it('runs the body once per node, in the order given, each step seeing the bound variable', async () => {
    const r = await drive(compiled, { nodes: ['10.0.0.3', '10.0.0.1', '10.0.0.2'] });
    expect(r.inputs.talosctl.map((i) => i.nodes)).toEqual([['10.0.0.3'], ['10.0.0.1'], ['10.0.0.2']]);
    expect(r.inputs.check.map((i) => i.args.node)).toEqual(['10.0.0.3', '10.0.0.1', '10.0.0.2']);
    // the loop head and :next are passed through at once (always transitions): never a resting state
    expect(r.states).toEqual(['st', 'healthy', 'st', 'healthy', 'st', 'healthy', 'ok']);
    expect(r.output.outcome).toBe('success');
  });

  it('one node: the body once', async () => {
    const r = await drive(compiled, { nodes: ['10.0.0.7'] });
    expect(r.calls).toEqual(['talosctl st', 'check healthy']);
  });

  it('no node: the loop head refuses the list, naming the step (a loop over nothing is not a success)', async () => {
    await expect(drive(compiled, { nodes: [] })).rejects.toThrow(
      'step "each": [] is not a non-empty list of node addresses',
    );
  });

  it('a failure in the body leaves the loop by its policy: the next nodes are not touched', async () => {
    const r = await drive(
      compiled,
      { nodes: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] },
      { check: (i) => ({ verdict: i.args.node === '10.0.0.2' ? 'fail' : 'pass' }) },
    );
    expect(r.inputs.talosctl.map((i) => i.nodes[0])).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(r.output).toMatchObject({ outcome: 'failed', stepId: 'healthy' });
  });

  it('the loop head and :next are states of their own roles', () => {
    expect(compiled.states.each?.role).toBe('loop');
    expect(compiled.states['each:next']?.role).toBe('loop-next');
  });
});

describe('compileForeach: the states it adds', () => {
  it('the loop head and :next, both branching to the body entry while an item is left, else to next; the body compiled to :next', () => {
    const b = startBuild(compiledRunbook);
    const lists: Array<[string[], string]> = [];
    compileForeach(b, compiledRunbook.steps[0] as never, 'after', (_b, list, after) => {
      lists.push([list.map((s) => s.id), after]);
    });
    expect(lists).toEqual([[['st', 'healthy'], 'each:next']]);
    expect(Object.keys(b.states)).toEqual(['each', 'each:next']);
    const branch = [
      { target: '#st', guard: { type: 'loopHasItem', params: { loopId: 'each' } } },
      { target: '#after' },
    ];
    expect(b.states.each?.always).toEqual(branch);
    expect(b.states['each:next']?.always).toEqual(branch);
    expect(b.states['each:next']?.entry).toEqual([{ type: 'advanceLoop', params: { loopId: 'each', as: 'n' } }]);
    expect(b.states.each?.entry?.[0]?.type).toBe('startLoop');
  });
});
