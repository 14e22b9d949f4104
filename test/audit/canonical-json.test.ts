import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/audit/log-format.js';

/** The definition, written plainly: keys sorted at every depth, undefined dropped (null in arrays). */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) as string;
  if (Array.isArray(value)) return `[${value.map((x) => reference(x === undefined ? null : x)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
}

describe('canonicalJson (fast path for already-sorted values)', () => {
  it('equals the plain definition for any JSON value, sorted or not, and for its parsed canonical form', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalJson(v);
        expect(c).toBe(reference(v));
        expect(canonicalJson(JSON.parse(c))).toBe(c);
      }),
      { numRuns: 500 },
    );
  });

  it('sorts keys the fast path would take in insertion order, integer-like keys included', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: undefined }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"z":0}]},"b":1}',
    );
    expect(canonicalJson({ 10: 'a', 9: 'b', x: 1 })).toBe('{"10":"a","9":"b","x":1}');
    expect(canonicalJson([1, undefined, 2])).toBe('[1,null,2]');
  });

  it('does not let toJSON or class instances change the bytes', () => {
    expect(canonicalJson({ a: new Date(0) })).toBe('{"a":{}}');
    expect(() => canonicalJson({ a: 1, toJSON: () => 'x' })).toThrow(/cannot serialise function/);
  });
});
