import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import type { EvaluateCheckOutput } from '../../../src/compile/contract.js';
import { compileQuorum } from '../../../src/compile/steps/quorum.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/**
 * The fresh quorum check before a disruptive command: quorum-safe-to-disrupt on the target and
 * every node the runbook's node/nodes params name (each once). Only a pass enters the command;
 * a fail, "cannot tell", an error or its 30 s timeout stop the run (precondition-failed, exit 4).
 */
const PARAMS =
  '  nodes: { type: nodes, description: n }\n  spare: { type: node, description: n }\n  label: { type: string, description: not a node }\n';
const { compiled } = compileText(
  `  - id: d\n    talosctl: [etcd, defrag]\n    node: 10.0.0.3\n  - id: ok\n    end: { outcome: success, message: done }`,
  PARAMS,
);
const P = { nodes: ['10.0.0.1', '10.0.0.3'], spare: '10.0.0.9', label: '10.0.0.77' };

describe('compileQuorum', () => {
  it('asks quorum-safe-to-disrupt on the target and every node param, each node once, in the out-of-service mode of the command (defrag: its member), string params left out', async () => {
    const r = await drive(compiled, P);
    expect(r.inputs.check).toEqual([
      {
        stepId: 'd:quorum',
        check: 'quorum-safe-to-disrupt',
        args: { node: '10.0.0.3', nodes: ['10.0.0.3', '10.0.0.1', '10.0.0.9'], mode: 'member' },
        mode: 'precondition',
        poll: 0,
      },
    ]);
    expect(r.states).toEqual(['d:quorum', 'd', 'ok']);
  });

  const stops: Array<[string, () => Pick<EvaluateCheckOutput, 'verdict'>]> = [
    ['fail', () => ({ verdict: 'fail' })],
    ['unknown', () => ({ verdict: 'unknown' })],
    [
      'an error',
      () => {
        throw new Error('read broke');
      },
    ],
  ];
  it.each(stops)('%s: precondition-failed, the command never runs', async (_name, check) => {
    const r = await drive(compiled, P, { check });
    expect(r.calls).toEqual(['check d:quorum']);
    expect(r.output.outcome).toBe('precondition-failed');
    expect(r.output.stepId).toBe('d');
  });

  it('no answer within 30 s: precondition-failed at 30 s, the command never runs', async () => {
    const r = await drive(compiled, P, { check: () => new Promise(() => undefined) }, 1000);
    expect(r.calls).toEqual(['check d:quorum']);
    expect(r.output.outcome).toBe('precondition-failed');
    expect(r.times.at(-1)).toBe(30_000);
  });
});

describe('compileQuorum: the state it adds', () => {
  it('<id>:quorum, role quorum: a pass enters the command; every other way out is precondition-failed', () => {
    const { runbook } = compileText(
      `  - id: d\n    talosctl: [etcd, defrag]\n    node: 10.0.0.3\n  - id: ok\n    end: { outcome: success, message: done }`,
      PARAMS,
    );
    const b = startBuild(runbook);
    compileQuorum(b, runbook.steps[0] as never, 'member');
    expect(Object.keys(b.states)).toEqual(['d:quorum']);
    expect(b.metas['d:quorum']?.role).toBe('quorum');
    const s = b.states['d:quorum'];
    expect(s?.invoke?.onDone.map((t) => [t.target, t.guard])).toEqual([
      ['#d', 'verdictPass'],
      ['#@precondition-failed', undefined],
    ]);
    expect(s?.invoke?.onError.map((t) => t.target)).toEqual(['#@precondition-failed']);
    expect(s?.after?.['d:quorum-timeout']?.map((t) => t.target)).toEqual(['#@precondition-failed']);
    expect(b.delays['d:quorum-timeout']).toBe(30_000);
  });
});
