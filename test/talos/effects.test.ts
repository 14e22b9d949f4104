import { describe, expect, it } from 'vitest';
import { effectOf } from '../../src/talos/effects.js';

describe('effectOf', () => {
  it.each([
    [['reset', '--graceful=false'], 'irreversible', 'reset'],
    [['etcd', 'leave'], 'irreversible', 'etcd leave'],
    [['etcd', 'remove-member', '0a1b2c3d4e5f6a7b'], 'irreversible', 'etcd remove-member'],
    [['bootstrap', '--recover-from', './db'], 'irreversible', 'bootstrap'],
    [['etcd', 'alarm', 'disarm'], 'mutating', 'etcd alarm disarm'],
    [['etcd', 'alarm', 'list'], 'read', 'etcd alarm list'],
    [['etcd', 'defrag'], 'mutating', 'etcd defrag'],
    [['etcd', 'snapshot', './db'], 'read', 'etcd snapshot'],
    [['service', 'etcd'], 'read', 'service'],
    [['apply-config', '-f', 'x.yaml'], 'mutating', 'apply-config'],
  ])('%j is %s (%s)', (argv, effect, subcommand) => {
    expect(effectOf(argv)).toEqual({ effect, subcommand, known: true });
  });

  it('treats an unknown subcommand as irreversible', () => {
    expect(effectOf(['etcd', 'frobnicate'])).toEqual({
      effect: 'irreversible',
      subcommand: 'etcd frobnicate',
      known: false,
    });
    expect(effectOf(['upgrade', '--image', 'x'])).toMatchObject({ effect: 'irreversible' });
  });
});
