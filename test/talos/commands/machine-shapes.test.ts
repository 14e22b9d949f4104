import { describe, expect, it } from 'vitest';
import { MACHINE_SHAPES } from '../../../src/talos/commands/machine-shapes.js';
import { OPAQUE, type Token } from '../../../src/talos/flag-grammar.js';
import { verdictOf } from '../../helpers/shape-verdict.js';

/**
 * The machine lifecycle commands' own verdicts: reboot, shutdown, upgrade, apply-config and
 * service, each with the flag values that change its class or make it not matched exactly.
 */

const v = (words: string[], rest: Token[] = []) => verdictOf(MACHINE_SHAPES, words, rest);
const cls = (words: string[], rest: Token[] = []) => {
  const x = v(words, rest);
  return 'unknown' in x ? { unknown: x.unknown } : [x.effect, x.outOfService, x.gate];
};

describe('reboot', () => {
  it.each([
    [[]],
    [['--mode', 'default']],
    [['-m', 'powercycle']],
    [['--mode=force']],
  ] as Token[][][])('%j: disruptive, the node, gated', (rest) => {
    expect(cls(['reboot'], rest)).toEqual(['disruptive', 'node', true]);
  });

  it('an unknown mode or a ref is not matched exactly', () => {
    expect(cls(['reboot'], ['--mode', 'hard'])).toEqual({ unknown: '--mode hard is not a known reboot mode' });
    expect(cls(['reboot'], ['--mode', OPAQUE])).toEqual({ unknown: '--mode (a reference) is not a known reboot mode' });
  });
});

describe('shutdown', () => {
  it('is irreversible: nothing brings the node back remotely', () => {
    expect(cls(['shutdown'])).toEqual(['irreversible', 'node', true]);
    expect(cls(['shutdown'], ['--force'])).toEqual(['irreversible', 'node', true]);
  });
});

describe('upgrade', () => {
  it('is disruptive and gated; --force (skips the etcd checks) is irreversible', () => {
    expect(cls(['upgrade'], ['--image', 'ghcr.io/siderolabs/installer:v1.10.3'])).toEqual(['disruptive', 'node', true]);
    expect(cls(['upgrade'], ['--force'])).toEqual(['irreversible', 'node', true]);
    expect(cls(['upgrade'], ['-f'])).toEqual(['irreversible', 'node', true]);
    expect(cls(['upgrade'], ['-pf'])).toEqual(['irreversible', 'node', true]);
    expect(cls(['upgrade'], ['--force=false'])).toEqual(['disruptive', 'node', true]);
    expect(cls(['upgrade'], ['--force=true', '--force=0'])).toEqual(['disruptive', 'node', true]);
  });

  it('a --force value that is not a bool is not matched exactly', () => {
    expect(cls(['upgrade'], ['--force=please'])).toEqual({ unknown: '--force has a value that is not a bool' });
  });
});

describe('apply-config (and its alias apply)', () => {
  const reason = (rest: Token[]) => {
    const x = v(['apply-config'], rest);
    return 'unknown' in x ? x.unknown : x.reason;
  };

  it('--dry-run is a read', () => {
    expect(cls(['apply-config'], ['-f', 'c.yaml', '--dry-run'])).toEqual(['read', undefined, false]);
    expect(cls(['apply'], ['--dry-run=1'])).toEqual(['read', undefined, false]);
  });

  it('the default mode (auto) and reboot may reboot the node: gated', () => {
    expect(cls(['apply-config'], ['-f', 'c.yaml'])).toEqual(['disruptive', 'node', true]);
    expect(cls(['apply-config'], ['--dry-run=false'])).toEqual(['disruptive', 'node', true]);
    expect(cls(['apply-config'], ['--mode', 'reboot'])).toEqual(['disruptive', 'node', true]);
    expect(reason([])).toBe(
      'apply-config --mode=auto replaces the machine config and may reboot the node (auto reboots on Talos ≤ 1.13 when needed)',
    );
  });

  it.each(['no-reboot', 'staged', 'try'])('--mode=%s restarts services at most: not gated', (mode) => {
    expect(cls(['apply-config'], [`--mode=${mode}`])).toEqual(['disruptive', 'node', false]);
    expect(reason([`-m=${mode}`])).toBe(
      `apply-config --mode=${mode} replaces the machine config; services (etcd among them) may restart`,
    );
  });

  it('an unknown mode, a ref mode, or a --dry-run value that is not a bool is not matched exactly', () => {
    expect(cls(['apply-config'], ['--mode', 'interactive'])).toEqual({
      unknown: '--mode interactive is not a known apply mode',
    });
    expect(cls(['apply-config'], ['--mode', OPAQUE])).toEqual({
      unknown: '--mode (a reference) is not a known apply mode',
    });
    expect(cls(['apply-config'], ['--dry-run=maybe'])).toEqual({ unknown: '--dry-run has a value that is not a bool' });
  });
});

describe('service (and its alias services)', () => {
  const full = (rest: Token[]) => {
    const x = v(['service'], rest);
    return 'unknown' in x
      ? { unknown: x.unknown }
      : { shape: x.shape, effect: x.effect, out: x.outOfService, gate: x.gate, reason: x.reason };
  };

  it('without an action, or with status, it is a read', () => {
    expect(full([])).toEqual({
      shape: 'service [<id>]',
      effect: 'read',
      out: undefined,
      gate: false,
      reason: 'shows service state',
    });
    expect(full(['etcd'])).toMatchObject({ shape: 'service [<id>]', effect: 'read' });
    expect(full(['etcd', 'status'])).toMatchObject({ shape: 'service <id> status', effect: 'read' });
    expect(cls(['services'], ['etcd'])).toEqual(['read', undefined, false]);
  });

  it.each(['start', 'stop', 'restart'])('etcd %s takes the etcd member out of service, ungated', (action) => {
    expect(full(['etcd', action])).toEqual({
      shape: `service <id> ${action}`,
      effect: 'disruptive',
      out: 'member',
      gate: false,
      reason: `service etcd ${action} takes the etcd member out of service`,
    });
  });

  it('another service, or a ref id, takes a service of the node out', () => {
    expect(full(['kubelet', 'restart'])).toMatchObject({
      out: 'node',
      reason: 'service kubelet restart takes a service of the node out of service',
    });
    expect(full([OPAQUE, 'stop'])).toMatchObject({
      out: 'node',
      reason: 'service <id> stop takes a service of the node out of service',
    });
  });

  it('an unknown action or a ref action is not matched exactly', () => {
    expect(full(['etcd', 'kill'])).toEqual({
      unknown: '"kill" is not a service action (status, start, stop, restart)',
    });
    expect(full(['etcd', OPAQUE])).toEqual({
      unknown: '"(a reference)" is not a service action (status, start, stop, restart)',
    });
  });
});
