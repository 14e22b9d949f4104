import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import type { RunTalosctlOutput } from '../../../src/compile/contract.js';
import { compileCommand } from '../../../src/compile/steps/command.js';
import { compileText, drive, failed } from '../../helpers/drive-machine.js';

/**
 * A talosctl step: the command state, entered through the recheck of its approval (gated) and its
 * fresh quorum check (disruptive), in that order; a change whose outcome is unknown goes to the
 * states that settle it; a read never does.
 */
const NODE = '  node: { type: node, description: n }\n  nodes: { type: nodes, description: n }\n';
const P = { node: '10.0.0.1', nodes: ['10.0.0.1', '10.0.0.2'] };
const END = `  - id: ok\n    end: { outcome: success, message: done }`;
const unknown = (): RunTalosctlOutput => ({ ok: false, results: [], captured: undefined, unknown: 'cut short' });

describe('compileCommand', () => {
  it('a read: one state, its input resolved from the context, no recheck or quorum check', async () => {
    const { compiled } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n${END}`,
      NODE,
    );
    expect(Object.keys(compiled.states).filter((s) => s.startsWith('st'))).toEqual(['st']);
    const r = await drive(compiled, P);
    expect(r.states).toEqual(['st', 'ok']);
    expect(r.inputs.talosctl).toEqual([
      {
        stepId: 'st',
        argv: ['etcd', 'status'],
        nodes: ['10.0.0.1', '10.0.0.2'],
        effect: 'read',
        gate: false,
        quorum: false,
        timeoutMs: 10_000,
        capture: undefined,
      },
    ]);
  });

  it('a read that reports an unknown outcome is a failure, never re-observed', async () => {
    const { compiled } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n${END}`,
      NODE,
    );
    const r = await drive(compiled, P, { talosctl: unknown });
    expect(r.states).toEqual(['st', '@failed']);
  });

  it('a capture: the command outputs the registry declares are stored under the capture name', async () => {
    const { compiled } = compileText(
      `  - id: snap\n    talosctl: [etcd, snapshot, /tmp/x.db]\n    node: { ref: params.node }\n    capture: s\n  - id: check\n    postcondition: { check: snapshot-verified, with: { path: { ref: s.path } } }\n${END}`,
      NODE,
    );
    const r = await drive(compiled, P, {
      talosctl: () => ({ ok: true, results: [], captured: { path: '/tmp/x.db', revision: 12 } }),
    });
    expect(r.inputs.talosctl[0]?.capture?.name).toBe('s');
    expect(Object.keys(r.inputs.talosctl[0]?.capture?.fields ?? {})).toEqual(
      expect.arrayContaining(['path', 'revision']),
    );
    expect(r.inputs.check[0]?.args).toEqual({ path: '/tmp/x.db' });
  });

  it('a disruptive command: its quorum check first; anything but a pass stops before the command', async () => {
    const { compiled } = compileText(
      `  - id: d\n    talosctl: [etcd, defrag]\n    node: { ref: params.node }\n${END}`,
      NODE,
    );
    const pass = await drive(compiled, P);
    expect(pass.states).toEqual(['d:quorum', 'd', 'ok']);
    expect(pass.inputs.talosctl[0]).toMatchObject({ effect: 'disruptive', gate: false, quorum: true });
    const unknownVerdict = await drive(compiled, P, { check: () => ({ verdict: 'unknown' }) });
    expect(unknownVerdict.calls).toEqual(['check d:quorum']);
    expect(unknownVerdict.output.outcome).toBe('precondition-failed');
  });

  it('a gated command: recheck → command; a changed cluster ends approval-stale before the command', async () => {
    const { compiled } = compileText(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n${END}`,
      NODE,
    );
    const r = await drive(compiled, P);
    expect(r.states).toEqual(['c', 'rm:recheck', 'rm', 'ok']);
    expect(r.inputs.talosctl[0]).toMatchObject({ effect: 'irreversible', gate: true, quorum: false });
    const stale = await drive(compiled, P, { recheck: () => ({ unchanged: false, detail: 'leader moved' }) });
    expect(stale.calls).toEqual(['ask c', 'recheck rm']);
    expect(stale.output).toMatchObject({ outcome: 'approval-stale', stepId: 'rm' });
  });

  it('a gated disruptive command: recheck, then quorum, then the command', async () => {
    const { compiled } = compileText(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rb\n    talosctl: [reboot]\n    node: { ref: params.node }\n${END}`,
      NODE,
    );
    const r = await drive(compiled, P);
    expect(r.states).toEqual(['c', 'rb:recheck', 'rb:quorum', 'rb', 'ok']);
  });

  it('a gated command whose outcome is unknown is re-observed, and runs again only after a fresh approval', async () => {
    const { compiled } = compileText(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n    done: { check: member-absent, with: { nodes: { ref: params.nodes }, member: 0a1b2c3d4e5f6a7b } }\n${END}`,
      NODE,
    );
    const r = await drive(compiled, P, {
      talosctl: (_i, n) => (n === 0 ? unknown() : { ok: true, results: [], captured: undefined }),
      check: () => ({ verdict: 'fail' }),
    });
    expect(r.states).toEqual(['c', 'rm:recheck', 'rm', 'rm:reobserve', 'rm:reapprove', 'rm:recheck', 'rm', 'ok']);
  });

  it("a gated command cut short by its own timeout goes to the unknown outcome's states, not to its failure", async () => {
    const { compiled } = compileText(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n    timeout: 5s\n    done: { check: member-absent, with: { nodes: { ref: params.nodes }, member: 0a1b2c3d4e5f6a7b } }\n${END}`,
      NODE,
    );
    const never = new Promise<RunTalosctlOutput>(() => undefined);
    let first = true;
    const r = await drive(compiled, P, {
      talosctl: () => {
        if (!first) return { ok: true, results: [], captured: undefined };
        first = false;
        return never as unknown as RunTalosctlOutput;
      },
    });
    // the done check holds: the step counts as done, not run again
    expect(r.states).toEqual(['c', 'rm:recheck', 'rm', 'rm:reobserve', 'ok']);
  });

  it('a command that fails follows its onFailure', async () => {
    const { compiled } = compileText(
      `  - id: dis\n    talosctl: [etcd, status]\n    node: { ref: params.node }\n    onFailure: { goto: stuck }\n${END}\n  - id: stuck\n    end: { outcome: failed, message: stuck }`,
      NODE,
    );
    const r = await drive(compiled, P, { talosctl: failed });
    expect(r.states).toEqual(['dis', 'stuck']);
  });
});

describe('compileCommand: the states it adds', () => {
  const built = (steps: string) => {
    const { runbook } = compileText(steps, NODE);
    const b = startBuild(runbook);
    const i = runbook.steps.findIndex((s) => s.kind === 'talosctl');
    compileCommand(b, runbook.steps[i] as never, 'ok');
    return b;
  };

  it('a read: the command state only; ok → next, no unknown-outcome transition', () => {
    const b = built(`  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n${END}`);
    expect(Object.keys(b.states)).toEqual(['st']);
    expect(b.states.st?.invoke?.onDone.map((t) => t.guard)).toEqual(['ok', undefined]);
  });

  it('a gated irreversible command: its unknown-outcome states, the command, the recheck (unchanged → command, else approval-stale)', () => {
    const b = built(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, 0a1b2c3d4e5f6a7b]\n    node: { ref: params.node }\n${END}`,
    );
    expect(Object.keys(b.states)).toEqual(['rm:reapprove', 'rm', 'rm:recheck']);
    expect(b.states.rm?.invoke?.onDone.map((t) => [t.target, t.guard])).toEqual([
      ['#ok', 'ok'],
      ['#rm:reapprove', 'outcomeUnknown'],
      ['#@failed', undefined],
    ]);
    // the step timeout of a gated command is an unknown outcome
    expect(b.states.rm?.after?.['rm:timeout']).toEqual([{ target: '#rm:reapprove' }]);
    expect(b.states['rm:recheck']?.invoke?.onDone.map((t) => [t.target, t.guard])).toEqual([
      ['#rm', 'unchanged'],
      ['#@approval-stale', undefined],
    ]);
    // success consumes the approval
    expect(b.states.rm?.invoke?.onDone[0]?.actions?.map((a) => a.type)).toEqual(['resetAttempts', 'consumeApproval']);
  });

  it('a gated disruptive command: the recheck leads to the quorum check, not the command', () => {
    const b = built(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rb\n    talosctl: [reboot]\n    node: { ref: params.node }\n${END}`,
    );
    expect(Object.keys(b.states)).toContain('rb:quorum');
    expect(b.states['rb:recheck']?.invoke?.onDone[0]?.target).toBe('#rb:quorum');
  });
});
