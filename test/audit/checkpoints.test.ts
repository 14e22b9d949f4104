import { describe, expect, it } from 'vitest';
import { makeCheckpointPolicy, policyAfter } from '../../src/audit/checkpoints.js';
import type { AnyRecord, PayloadByType } from '../../src/audit/log-format.js';

/** Which records of a signed run must carry a signature: one policy for the writer and the verifier. */

const intent = (effect: PayloadByType['command-intent']['effect'], node: string | null = 'n1') => ({
  step: 'leave',
  argv: ['etcd', 'leave'],
  node,
  effect,
});
const result = (node: string | null = 'n1') =>
  ({ step: 'leave', argv: ['etcd', 'leave'], node, exitCode: 0, durationMs: 1, stdout: '', stderr: '' }) as never;

describe('makeCheckpointPolicy', () => {
  it('always signs the run-start, approvals, voided approvals and run-ends; never a check or a step', () => {
    const p = makeCheckpointPolicy();
    expect(p.requires('run-start', {} as never)).toBe(true);
    expect(p.requires('approval', {} as never)).toBe(true);
    expect(p.requires('approval-voided', {} as never)).toBe(true);
    expect(p.requires('run-end', { outcome: 'done', exitCode: 0 })).toBe(true);
    expect(p.requires('check', {} as never)).toBe(false);
    expect(p.requires('step-start', { step: 's', kind: 'talosctl' })).toBe(false);
  });

  it('a resume deviation opens a segment: signed; other deviations are not', () => {
    const p = makeCheckpointPolicy();
    expect(p.requires('deviation', { step: null, kind: 'resume', detail: '' })).toBe(true);
    expect(p.requires('deviation', { step: 's', kind: 'override', detail: '' } as never)).toBe(false);
  });

  it('the result of an irreversible command is signed, once per intent; other results are not', () => {
    const p = makeCheckpointPolicy();
    expect(p.requires('command-intent', intent('irreversible'))).toBe(false);
    expect(p.requires('command-result', result('n2'))).toBe(false);
    expect(p.requires('command-result', result())).toBe(true);
    // that intent is answered: a second result of the same call is not signed
    expect(p.requires('command-result', result())).toBe(false);
    expect(p.requires('command-intent', intent('disruptive'))).toBe(false);
    expect(p.requires('command-result', result())).toBe(false);
  });

  it('two pending intents of the same call: both results signed', () => {
    const p = makeCheckpointPolicy();
    p.requires('command-intent', intent('irreversible'));
    p.requires('command-intent', intent('irreversible'));
    expect([p.requires('command-result', result()), p.requires('command-result', result())]).toEqual([true, true]);
    expect(p.requires('command-result', result())).toBe(false);
  });

  it('reads a lazy payload only when it must', () => {
    const p = makeCheckpointPolicy();
    const unread = () => {
      throw new Error('payload read');
    };
    expect(p.requires('step-start', unread)).toBe(false);
    expect(p.requires('run-end', unread)).toBe(true);
    // nothing pending: a result's payload is not decoded
    expect(p.requires('command-result', unread)).toBe(false);
    expect(p.requires('command-intent', () => intent('irreversible'))).toBe(false);
    expect(p.requires('command-result', () => result())).toBe(true);
  });
});

describe('policyAfter', () => {
  it('carries a pending irreversible intent across a resume', () => {
    const records = [
      { type: 'run-start', payload: {} },
      { type: 'command-intent', payload: intent('irreversible') },
    ] as unknown as AnyRecord[];
    const p = policyAfter(records);
    expect(p.requires('command-result', result())).toBe(true);
    expect(policyAfter([]).requires('command-result', result())).toBe(false);
  });
});
