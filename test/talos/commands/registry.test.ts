import { describe, expect, it } from 'vitest';
import { findShape, knownShapes, SHAPES } from '../../../src/talos/commands/registry.js';
import { OPAQUE } from '../../../src/talos/flag-grammar.js';

/** THE list of shapes, and how an argv finds its shape: by its leading words, longest first. */

describe('SHAPES and knownShapes', () => {
  it('name every command talos-dr knows, each once', () => {
    expect(knownShapes().sort()).toEqual(
      [
        'apply-config',
        'bootstrap',
        'dmesg',
        'etcd alarm disarm',
        'etcd alarm list',
        'etcd defrag',
        'etcd forfeit-leadership',
        'etcd leave',
        'etcd members',
        'etcd remove-member',
        'etcd snapshot',
        'etcd status',
        'get',
        'health',
        'logs',
        'reboot',
        'reset',
        'service',
        'shutdown',
        'time',
        'upgrade',
        'version',
      ].sort(),
    );
  });

  it('no two shapes (or aliases) share their command words, so the order decides nothing', () => {
    const all = SHAPES.flatMap((s) => [s.path, ...(s.aliases ?? [])].map((p) => p.join(' ')));
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('findShape', () => {
  const name = (argv: Parameters<typeof findShape>[0]) => {
    const f = findShape(argv);
    return f === undefined ? undefined : [f.shape.path.join(' '), f.words];
  };

  it('matches the command words at the start, and says how many', () => {
    expect(name(['etcd', 'members'])).toEqual(['etcd members', 2]);
    expect(name(['etcd', 'alarm', 'list', '--extra'])).toEqual(['etcd alarm list', 3]);
    expect(name(['etcd', 'remove-member', 'abc'])).toEqual(['etcd remove-member', 2]);
    expect(name(['bootstrap', '--recover-from', 'x'])).toEqual(['bootstrap', 1]);
  });

  it('finds a shape by its alias', () => {
    expect(name(['apply', '-f', 'c.yaml'])).toEqual(['apply-config', 1]);
    expect(name(['services', 'etcd'])).toEqual(['service', 1]);
  });

  it('finds nothing for an unknown word, a prefix of a shape, a ref in a word, or a word after a flag', () => {
    expect(findShape(['etcd'])).toBeUndefined();
    expect(findShape(['etcd', 'alarm'])).toBeUndefined();
    expect(findShape(['etcd', 'alarms', 'list'])).toBeUndefined();
    expect(findShape(['etcd', OPAQUE])).toBeUndefined();
    expect(findShape(['--insecure', 'etcd', 'members'])).toBeUndefined();
    expect(findShape(['ETCD', 'members'])).toBeUndefined();
    expect(findShape([])).toBeUndefined();
  });
});
