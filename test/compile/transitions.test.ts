import { describe, expect, it } from 'vitest';
import { type Build, startBuild, stepInfo } from '../../src/compile/build.js';
import { type FailingStep, failTo, failures, notApproved, succeed } from '../../src/compile/transitions.js';
import { builtin, ruleContextOf, runbookText } from '../helpers/runbook-doc.js';

/** Leaving a step: on success to next, on failure by a retry while attempts are left, else by its policy. */

const status = '    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }';
const b: Build = startBuild(
  ruleContextOf(
    runbookText(
      [
        `  - id: pre\n    precondition: { check: no-learners, with: { nodes: { ref: params.nodes } } }`,
        `  - id: aborts\n${status}`,
        `  - id: goes-on\n${status}\n    onFailure: continue`,
        `  - id: jumps\n${status}\n    onFailure: { goto: aborts }`,
        `  - id: to-gated\n${status}\n    onFailure: { goto: forfeit }`,
        `  - id: forfeit\n    talosctl: [etcd, forfeit-leadership]\n    node: { ref: params.node }`,
      ].join('\n'),
      '  nodes: { type: nodes, description: n }\n  node: { type: node, description: n }\n',
    ),
  ).runbook,
);
const step = (id: string) => stepInfo(b, id).step as FailingStep;

describe('failTo: where a failure goes', () => {
  it('abort: the run fails; a precondition: precondition-failed', () => {
    expect(failTo(b, step('aborts'), 'goes-on')).toBe('@failed');
    expect(failTo(b, step('pre'), 'aborts')).toBe('@precondition-failed');
  });
  it('continue: the next step; goto: the target, entered through its own entry state', () => {
    expect(failTo(b, step('goes-on'), 'jumps')).toBe('jumps');
    expect(failTo(b, step('jumps'), 'to-gated')).toBe('aborts');
    // a disruptive target is entered through its quorum check, never straight into the command
    // (`next` is already an entry state: the compiler passes entryOf(next step))
    expect(failTo(b, step('to-gated'), 'forfeit:quorum')).toBe('forfeit:quorum');
    expect(failTo(b, step('jumps'), 'x:quorum')).toBe('aborts');
  });
});

describe('failures', () => {
  it('with attempts left: a guarded retry first, then the policy; the failure is noted either way', () => {
    const [retry, policy] = failures(b, step('aborts'), 'goes-on', 3);
    expect(retry).toEqual({
      target: '#aborts:retry',
      guard: { type: 'canRetry', params: { stepId: 'aborts', attempts: 3 } },
      actions: [
        { type: 'noteFailure', params: { stepId: 'aborts' } },
        { type: 'countAttempt', params: { stepId: 'aborts' } },
      ],
    });
    expect(policy).toEqual({
      target: '#@failed',
      actions: [
        { type: 'noteFailure', params: { stepId: 'aborts' } },
        { type: 'resetAttempts', params: { stepId: 'aborts' } },
      ],
    });
  });
  it('one attempt: no retry transition at all', () => {
    const t = failures(b, step('goes-on'), 'jumps', 1);
    expect(t.map((x) => x.target)).toEqual(['#jumps']);
  });
});

describe('succeed and notApproved', () => {
  it('success clears the attempt count, then any extra action', () => {
    expect(succeed(step('aborts'), 'goes-on', [{ type: 'x' }])).toEqual({
      target: '#goes-on',
      actions: [{ type: 'resetAttempts', params: { stepId: 'aborts' } }, { type: 'x' }],
    });
  });
  it('no approval: stopped at the gate when nobody could answer, else declined', () => {
    expect(notApproved('leave')).toEqual([
      {
        target: '#@stopped-at-gate',
        guard: 'stopped',
        actions: [{ type: 'noteFailure', params: { stepId: 'leave', reason: 'no approval in a non-interactive run' } }],
      },
      {
        target: '#@declined',
        actions: [{ type: 'noteFailure', params: { stepId: 'leave', reason: 'declined by the operator' } }],
      },
    ]);
  });
  it('a built-in runbook’s gated step is entered through its recheck', () => {
    const rb = startBuild(builtin('replace-lost-member'));
    const s = stepInfo(rb, 'safety-snapshot').step as FailingStep;
    const policyTarget = failTo(rb, { ...s, onFailure: { kind: 'goto', target: 'leave' } } as FailingStep, 'x');
    expect(policyTarget).toBe('leave:recheck');
  });
});
