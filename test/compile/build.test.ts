import { describe, expect, it } from 'vitest';
import { addState, entryOf, must, startBuild, stateMeta, stepInfo } from '../../src/compile/build.js';
import { act, to } from '../../src/compile/machine-config.js';
import { builtin } from '../helpers/runbook-doc.js';

describe('entryOf: the state a step is entered through', () => {
  const b = startBuild(builtin('replace-lost-member'));
  it('an irreversible gated command through its recheck, a disruptive one through its quorum check', () => {
    expect(entryOf(b, 'leave')).toBe('leave:recheck');
    expect(entryOf(b, 'remove-member')).toBe('remove-member:recheck');
    expect(entryOf(b, 'forfeit-leadership')).toBe('forfeit-leadership:quorum');
  });
  it('any other step itself', () => {
    expect(entryOf(b, 'safety-snapshot')).toBe('safety-snapshot');
    const first = b.runbook.steps[0]?.id ?? '';
    expect(entryOf(b, first)).toBe(first);
  });
  it('an unknown step is a compiler bug, named', () => {
    expect(() => stepInfo(b, 'nope')).toThrow('unknown step "nope"');
    expect(() => entryOf(b, 'nope')).toThrow('unknown step "nope"');
  });
});

describe('stateMeta', () => {
  const b = startBuild(builtin('replace-lost-member'));
  it('a command state carries its effect, gate and quorum; other roles only the effect', () => {
    const leave = stepInfo(b, 'leave').step;
    expect(stateMeta(leave, 'command')).toEqual({
      stepId: 'leave',
      role: 'command',
      effect: 'irreversible',
      gate: true,
      quorum: false,
    });
    expect(stateMeta(leave, 'recheck')).toEqual({ stepId: 'leave', role: 'recheck', effect: 'irreversible' });
    expect(stateMeta(stepInfo(b, 'forfeit-leadership').step, 'command')).toMatchObject({ gate: false, quorum: true });
    expect(stateMeta(undefined, 'outcome')).toEqual({ stepId: undefined, role: 'outcome', effect: undefined });
  });
});

describe('addState', () => {
  it('adds at the top level or under a parent, and records every meta by id', () => {
    const b = startBuild(builtin('rolling-defrag'));
    const children = {};
    addState(b, { id: 'top', meta: stateMeta(undefined, 'outcome') });
    addState(b, { id: 'child', meta: stateMeta(undefined, 'outcome') }, children);
    expect(Object.keys(b.states)).toEqual(['top']);
    expect(Object.keys(children)).toEqual(['child']);
    expect(Object.keys(b.metas).sort()).toEqual(['child', 'top']);
  });
});

describe('must, to and act', () => {
  it('must gives the value, or throws naming the step', () => {
    expect(must({ ok: true, value: 3 }, 's')).toBe(3);
    expect(() => must({ ok: false, reason: 'no such capture' }, 'leave')).toThrow('step "leave": no such capture');
  });
  it('to targets a state by global id; act leaves out params it has none of', () => {
    expect(to('leave:recheck')).toBe('#leave:recheck');
    expect(act('noteFailure')).toEqual({ type: 'noteFailure' });
    expect(act('noteFailure', { stepId: 'x' })).toEqual({ type: 'noteFailure', params: { stepId: 'x' } });
    expect(act('x', null)).toEqual({ type: 'x', params: null });
  });
});
