import { describe, expect, it } from 'vitest';
import { argvText, commandText, destroysText, scopeOf, targetText } from '../../src/engine/step-text.js';
import type { StepOf } from '../../src/runbook/model.js';
import { compileText } from '../helpers/drive-machine.js';

/**
 * How a talosctl step reads to a person: refs resolved where the values are known, `<ref x>`
 * where not; what it destroys is the registry's words for the argv as resolved, or the compiled
 * words while a ref is still unknown.
 */
const { runbook } = compileText(
  `  - id: c
    confirm: { prompt: Go? }
  - id: rm
    talosctl: [etcd, remove-member, { ref: params.member }]
    node: { ref: params.node }
  - id: st
    talosctl: [etcd, status]
    nodes: { ref: params.nodes }
  - id: vol
    read: { observe: etcd-volume, with: { node: { ref: params.node } } }
  - id: c2
    confirm: { prompt: Wipe? }
  - id: wipe
    talosctl: [reset, --graceful=false, --reboot, --system-labels-to-wipe, { ref: vol.labels }]
    node: { ref: params.node }
  - id: ok
    end: { outcome: success, message: ok }`,
  '  node: { type: node, description: n }\n  nodes: { type: nodes, description: n }\n  member: { type: memberId, description: m }\n',
);
const step = (id: string) => runbook.steps.find((s) => s.id === id) as StepOf<'talosctl'>;
const known = scopeOf({
  params: { node: '10.0.0.2', nodes: ['10.0.0.1', '10.0.0.2'], member: '0a1b2c3d4e5f6a7b' },
  captures: {},
  vars: {},
});

describe('step text', () => {
  it('resolved refs read as their values; a list joins with commas', () => {
    expect(commandText(step('rm'), known)).toBe('talosctl -n 10.0.0.2 etcd remove-member 0a1b2c3d4e5f6a7b');
    expect(targetText(step('st'), known)).toBe('10.0.0.1,10.0.0.2');
  });

  it('an unknown value (no scope, or a capture not made yet) reads as <ref x>', () => {
    expect(argvText(step('rm'), undefined)).toEqual(['etcd', 'remove-member', '<ref params.member>']);
    expect(targetText(step('rm'), undefined)).toBe('<ref params.node>');
    expect(argvText(step('wipe'), known).at(-1)).toBe('<ref vol.labels>');
  });

  it('destroys: the compiled words while a ref is unknown; the words for the argv as resolved once it is', () => {
    const wipe = step('wipe');
    expect(destroysText(wipe, undefined)).toBe(wipe.command.destroys);
    expect(destroysText(wipe, known)).toBe(wipe.command.destroys);
    const withLabels = scopeOf({ ...known, captures: { vol: { labels: 'EPHEMERAL,ETCD' } }, vars: {} });
    const resolved = destroysText(wipe, withLabels);
    expect(resolved).toContain('ETCD');
    expect(resolved).not.toBe(wipe.command.destroys);
  });

  it('a step that destroys nothing says nothing', () => {
    expect(destroysText(step('st'), known)).toBeUndefined();
  });
});
