import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { splitJsonStream } from '../../../src/talos/parse/json-stream.js';

/**
 * `talosctl get … -o json` prints a stream of indented objects, not an array. The splitter keeps
 * what is not an object as junk, so a parser can refuse it instead of skipping it.
 */

const fixture = (rel: string) =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/talosctl/v1.14/${rel}`, import.meta.url)), 'utf8');

describe('splitJsonStream', () => {
  it('nothing in, nothing out', () => {
    expect(splitJsonStream('')).toEqual({ objects: [], junk: [] });
    expect(splitJsonStream('\n  \n')).toEqual({ objects: [], junk: [] });
  });

  it('the recorded `get volumestatus ETCD -o json` output (fixtures/talosctl/v1.14/volume-status/directory, derived from source)', () => {
    const s = splitJsonStream(fixture('volume-status/directory/stdout.txt'));
    expect(s.junk).toEqual([]);
    expect(s.objects).toHaveLength(1);
    expect(s.objects[0]).toMatchObject({
      node: '10.5.0.2',
      metadata: { id: 'ETCD', type: 'VolumeStatuses.block.talos.dev' },
      spec: { type: 'directory', mountLocation: '/var/lib/etcd', parentID: 'EPHEMERAL' },
    });
    // two nodes print two objects back to back
    const two = splitJsonStream(fixture('volume-status/directory/stdout.txt').repeat(2));
    expect([two.objects.length, two.junk]).toEqual([2, []]);
  });

  it('several indented objects, one after another', () => {
    expect(splitJsonStream('{\n  "a": 1\n}\n{\n  "b": {"c": [1, {"d": 2}]}\n}\n')).toEqual({
      objects: [{ a: 1 }, { b: { c: [1, { d: 2 }] } }],
      junk: [],
    });
  });

  it('braces and quotes inside strings do not end an object', () => {
    expect(splitJsonStream('{"a": "}{", "b": "x\\"}"}').objects).toEqual([{ a: '}{', b: 'x"}' }]);
    expect(splitJsonStream('{"a": "back\\\\"}{"b": 1}').objects).toEqual([{ a: 'back\\' }, { b: 1 }]);
  });

  it('text before, between and after objects is junk, trimmed', () => {
    expect(splitJsonStream('WARNING: x\n{"a":1}\n  oops  \n{"b":2}\ntail\n')).toEqual({
      objects: [{ a: 1 }, { b: 2 }],
      junk: ['WARNING: x', 'oops', 'tail'],
    });
  });

  it('an object that is not valid JSON is junk, whole', () => {
    expect(splitJsonStream('{a: 1}\n{"b":2}')).toEqual({ objects: [{ b: 2 }], junk: ['{a: 1}'] });
  });

  it('an unterminated object (a cut output) is junk, from its start', () => {
    expect(splitJsonStream('{"a":1}\n{"b": {"c": 2}')).toEqual({ objects: [{ a: 1 }], junk: ['{"b": {"c": 2}'] });
    // the text before it is junk once, not again as part of the cut object
    expect(splitJsonStream('cut:\n{"b":')).toEqual({ objects: [], junk: ['cut:', '{"b":'] });
  });

  it('a stray closing brace at the top is junk', () => {
    expect(splitJsonStream('{"a":1}}\n')).toEqual({ objects: [{ a: 1 }], junk: ['}'] });
  });
});
