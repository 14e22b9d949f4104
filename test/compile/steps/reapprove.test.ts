import { describe, expect, it } from 'vitest';
import { startBuild } from '../../../src/compile/build.js';
import type { RunContext } from '../../../src/compile/contract.js';
import { compileReapprove } from '../../../src/compile/steps/reapprove.js';
import { compileText, drive } from '../../helpers/drive-machine.js';

/**
 * The fresh approval of a gated step itself after an unknown outcome: its own token, covering
 * only itself, marked `again`, saying why (the done check that does not hold) when the last
 * failure is this step's; approved → the step's recheck; otherwise stopped or declined.
 */
const PARAMS = '  member: { type: memberId, description: m }\n';
const { runbook } = compileText(
  `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, { ref: params.member }]\n    node: 10.0.0.9\n  - id: ok\n    end: { outcome: success, message: done }`,
  PARAMS,
);
const rm = runbook.steps[1];
if (rm?.kind !== 'talosctl') throw new Error('fixture: rm is a talosctl step');

const ctx = (lastFailure: RunContext['lastFailure']): RunContext => ({
  params: { member: '0a1b2c3d4e5f6a7b' },
  captures: {},
  vars: {},
  loops: {},
  attempts: {},
  lastFailure,
  approval: undefined,
});

function built(doneCheck: string | undefined) {
  const b = startBuild(runbook);
  compileReapprove(b, rm as never, doneCheck);
  const s = b.states['rm:reapprove'];
  if (s?.invoke === undefined) throw new Error('no :reapprove state');
  return { b, s, invoke: s.invoke };
}

describe('compileReapprove', () => {
  it('one state, role confirm, asking askApproval for the step itself with its own token (the member id, resolved from the context)', () => {
    const { b, invoke } = built('member-absent');
    expect(Object.keys(b.states)).toEqual(['rm:reapprove']);
    expect(b.metas['rm:reapprove']).toMatchObject({ stepId: 'rm', role: 'confirm' });
    expect(invoke.src).toBe('askApproval');
    expect(invoke.input({ context: ctx(undefined) })).toEqual({
      stepId: 'rm',
      prompt:
        'the previous attempt of rm may or may not have run, and nothing shows that it took effect: run it again?',
      token: { type: 'memberId', value: '0a1b2c3d4e5f6a7b' },
      guards: ['rm'],
      again: true,
    });
  });

  it('says why when the last failure is this step: the done check and what it saw', () => {
    const { invoke } = built('member-absent');
    const own = invoke.input({ context: ctx({ stepId: 'rm', reason: 'member 5 is still listed' }) }) as {
      prompt: string;
    };
    expect(own.prompt).toBe(
      'the previous attempt of rm may or may not have run, and nothing shows that it took effect (member-absent does not hold: member 5 is still listed): run it again?',
    );
    // another step's failure is not this step's evidence
    const other = invoke.input({ context: ctx({ stepId: 'c', reason: 'x' }) }) as { prompt: string };
    expect(other.prompt).not.toContain('does not hold');
    // no done check named: "the check"
    const unnamed = built(undefined).invoke.input({ context: ctx({ stepId: 'rm', reason: 'r' }) }) as {
      prompt: string;
    };
    expect(unnamed.prompt).toContain('(the check does not hold: r)');
  });

  it('approved → the recheck, storing the approval under the step with its token; else stopped, else declined', () => {
    const { invoke } = built('member-absent');
    expect(invoke.onDone.map((t) => [t.target, t.guard])).toEqual([
      ['#rm:recheck', 'approved'],
      ['#@stopped-at-gate', 'stopped'],
      ['#@declined', undefined],
    ]);
    const store = invoke.onDone[0]?.actions?.[0] as { type: string; params: (a: { context: RunContext }) => unknown };
    expect(store.type).toBe('storeApproval');
    expect(store.params({ context: ctx(undefined) })).toEqual({
      stepId: 'rm',
      token: { type: 'memberId', value: '0a1b2c3d4e5f6a7b' },
    });
    expect(invoke.onError.map((t) => t.target)).toEqual(['#@failed']);
  });

  it('driven: a re-approval nobody can answer stops at the gate, and the step does not run again', async () => {
    const { compiled } = compileText(
      `  - id: c\n    confirm: { prompt: Go? }\n  - id: rm\n    talosctl: [etcd, remove-member, { ref: params.member }]\n    node: 10.0.0.9\n  - id: ok\n    end: { outcome: success, message: done }`,
      PARAMS,
    );
    const r = await drive(
      compiled,
      { member: '0a1b2c3d4e5f6a7b' },
      {
        talosctl: () => ({ ok: false, results: [], captured: undefined, unknown: 'crash' }),
        approve: (i) => (i.stepId === 'c' ? {} : { approved: false, stopped: true }),
      },
    );
    expect(r.output).toEqual({
      outcome: 'stopped-at-gate',
      stepId: 'rm',
      message: 'no approval in a non-interactive run',
    });
    expect(r.calls).toEqual(['ask c', 'recheck rm', 'talosctl rm', 'ask rm']);
  });
});
