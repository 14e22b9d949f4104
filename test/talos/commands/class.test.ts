import { describe, expect, it } from 'vitest';
import { EFFECTS, isWeaker, needsGate, needsQuorum } from '../../../src/talos/commands/class.js';

/** The effect classes' order and the two questions the compiler asks of a class. */

describe('effect classes', () => {
  it('are listed weakest first: read, local-write, disruptive, irreversible', () => {
    expect(EFFECTS).toEqual(['read', 'local-write', 'disruptive', 'irreversible']);
  });

  it('isWeaker is the strict order of that list, for every pair', () => {
    for (const [i, a] of EFFECTS.entries())
      for (const [j, b] of EFFECTS.entries()) expect(isWeaker(a, b), `${a} < ${b}`).toBe(i < j);
  });

  it('nothing is weaker than itself; irreversible is weaker than nothing', () => {
    expect(isWeaker('irreversible', 'irreversible')).toBe(false);
    expect(EFFECTS.some((b) => isWeaker('irreversible', b))).toBe(false);
    expect(EFFECTS.filter((b) => isWeaker('read', b))).toEqual(['local-write', 'disruptive', 'irreversible']);
  });
});

describe('needsGate', () => {
  it('is the gate flag itself, whatever the effect', () => {
    expect(needsGate({ gate: true })).toBe(true);
    expect(needsGate({ gate: false })).toBe(false);
  });
});

describe('needsQuorum: a fresh quorum check right before a disruptive command that takes something out', () => {
  it.each(['member', 'leadership', 'node'] as const)('disruptive, taking out a %s: yes', (out) => {
    expect(needsQuorum({ effect: 'disruptive', outOfService: out })).toBe(true);
  });

  it('disruptive but taking nothing out of service: no', () => {
    expect(needsQuorum({ effect: 'disruptive', outOfService: undefined })).toBe(false);
  });

  it('irreversible is gated with a live recheck instead; reads and local writes never', () => {
    expect(needsQuorum({ effect: 'irreversible', outOfService: 'member' })).toBe(false);
    expect(needsQuorum({ effect: 'read', outOfService: 'node' })).toBe(false);
    expect(needsQuorum({ effect: 'local-write', outOfService: 'node' })).toBe(false);
  });
});
