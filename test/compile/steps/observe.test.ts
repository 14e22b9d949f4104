import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import { compileObserve } from '../../../src/compile/steps/observe.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/** A read step: one observation, its outputs stored as the step's capture for later refs. */
const { compiled } = compileText(
  `  - id: lost
    read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }
    retry: { attempts: 2, backoff: 1s }
  - id: rm
    talosctl: [etcd, members]
    node: { ref: lost.node }
  - id: gone
    postcondition: { check: member-absent, with: { nodes: { ref: params.nodes }, member: { ref: lost.member } } }
  - id: ok
    end: { outcome: success, message: done }`,
  '  nodes: { type: nodes, description: n }\n',
);
const P = { nodes: ['10.0.0.1', '10.0.0.2'] };

describe('compileObserve', () => {
  it('asks the observation with its args resolved and stores the outputs under the capture name', async () => {
    const r = await drive(compiled, P, {
      observe: () => ({ outputs: { member: '0a1b2c3d4e5f6a7b', node: '10.0.0.2' } }),
    });
    expect(r.inputs.observe).toEqual([
      { stepId: 'lost', observation: 'lost-member', args: { nodes: ['10.0.0.1', '10.0.0.2'] }, capture: 'lost' },
    ]);
    // the next step's refs read the capture
    expect(r.inputs.talosctl[0]?.nodes).toEqual(['10.0.0.2']);
    expect(r.inputs.check[0]?.args).toEqual({ nodes: ['10.0.0.1', '10.0.0.2'], member: '0a1b2c3d4e5f6a7b' });
    expect((r.context as { captures: unknown }).captures).toEqual({
      lost: { member: '0a1b2c3d4e5f6a7b', node: '10.0.0.2' },
    });
  });

  it('an observation that fails is retried, then fails the step by its policy (nothing captured)', async () => {
    const r = await drive(compiled, P, { observe: () => new Error('no member is lost') });
    expect(r.calls).toEqual(['observe lost', 'observe lost']);
    expect(r.states).toEqual(['lost', 'lost:retry', 'lost', '@failed']);
    expect(r.output).toEqual({ outcome: 'failed', stepId: 'lost', message: 'no member is lost' });
  });
});

describe('compileObserve: the states it adds', () => {
  it('an observe state (role observe) and its retry state; success stores the capture then goes to next', () => {
    const { runbook } = compileText(
      `  - id: lost\n    read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }\n    retry: { attempts: 2, backoff: 1s }\n    capture: gone\n  - id: ok\n    end: { outcome: success, message: done }`,
      '  nodes: { type: nodes, description: n }\n',
    );
    const b = startBuild(runbook);
    compileObserve(b, runbook.steps[0] as never, 'elsewhere');
    expect(Object.keys(b.states)).toEqual(['lost', 'lost:retry']);
    expect(b.metas.lost?.role).toBe('observe');
    const inv = b.states.lost?.invoke;
    expect(inv?.src).toBe('observe');
    expect(inv?.onDone[0]).toEqual({
      target: '#elsewhere',
      actions: [
        { type: 'resetAttempts', params: { stepId: 'lost' } },
        { type: 'storeCapture', params: { name: 'gone' } },
      ],
    });
    expect(inv?.input({ context: { params: { nodes: ['10.0.0.1'] }, captures: {}, vars: {} } as never })).toEqual({
      stepId: 'lost',
      observation: 'lost-member',
      args: { nodes: ['10.0.0.1'] },
      capture: 'gone',
    });
  });
});
