import { describe, expect, it } from 'vitest';
import {
  bool,
  insecure,
  none,
  type Parsed,
  read,
  sliceValues,
  value,
  waitFlags,
} from '../../../src/talos/commands/shape.js';
import { OPAQUE, parseFlags, type Token } from '../../../src/talos/flag-grammar.js';

/** How a shape is written down: flag specs, the read verdict, and a string-slice flag's values. */

/** A Parsed over flags as classify.ts builds it (last value wins, all values in order). */
function parsed(flags: { long: string; value: Token }[]): Parsed {
  const list = flags.map((f, index) => ({ ...f, index }));
  return {
    flags: list,
    args: [],
    flag: (long) => list.filter((f) => f.long === long).at(-1)?.value,
    all: (long) => list.filter((f) => f.long === long).map((f) => f.value),
    has: (long) => list.some((f) => f.long === long),
  };
}

describe('flag specs', () => {
  it('bool and value carry long, short and kind', () => {
    expect(bool('force', 'f')).toEqual({ long: 'force', short: 'f', kind: 'bool' });
    expect(value('mode')).toEqual({ long: 'mode', short: undefined, kind: 'value' });
  });

  it("insecure and wait flags are talosctl's own spellings (a value flag takes the next token)", () => {
    expect(insecure).toEqual([bool('insecure', 'i'), value('cert-fingerprint')]);
    expect(waitFlags).toEqual([bool('wait'), bool('debug'), value('timeout')]);
    const g = parseFlags(['-i', '--timeout', '5m', '--wait'], [...insecure, ...waitFlags]);
    expect(g.ok && g.value.flags.map((f) => [f.long, f.value])).toEqual([
      ['insecure', 'true'],
      ['timeout', '5m'],
      ['wait', 'true'],
    ]);
  });

  it('none allows no positional argument', () => {
    expect(none).toEqual({ min: 0, max: 0, names: [] });
  });
});

describe('read', () => {
  it('changes nothing: no gate, nothing destroyed, nothing out of service', () => {
    expect(read('lists members')).toEqual({
      effect: 'read',
      reason: 'lists members',
      destroys: undefined,
      outOfService: undefined,
      gate: false,
    });
  });
});

describe('sliceValues: a repeatable, comma-separated flag', () => {
  const L = 'system-labels-to-wipe';

  it('none given is an empty list', () => {
    expect(sliceValues(parsed([]), L)).toEqual([]);
  });

  it('splits on commas and keeps every repetition, in order', () => {
    expect(
      sliceValues(
        parsed([
          { long: L, value: 'STATE,EPHEMERAL' },
          { long: L, value: 'META' },
        ]),
        L,
      ),
    ).toEqual(['STATE', 'EPHEMERAL', 'META']);
  });

  it('drops empty items (a trailing comma, an empty value)', () => {
    expect(
      sliceValues(
        parsed([
          { long: L, value: 'STATE,' },
          { long: L, value: '' },
          { long: L, value: ',,ETCD' },
        ]),
        L,
      ),
    ).toEqual(['STATE', 'ETCD']);
  });

  it('is unknown (undefined) as soon as one value is a ref', () => {
    expect(
      sliceValues(
        parsed([
          { long: L, value: 'STATE' },
          { long: L, value: OPAQUE },
        ]),
        L,
      ),
    ).toBeUndefined();
  });

  it('reads only the flag asked for', () => {
    expect(sliceValues(parsed([{ long: 'user-disks-to-wipe', value: '/dev/sdb' }]), L)).toEqual([]);
  });
});
