import { describe, expect, it } from 'vitest';
import { captureName, captureTypes, definiteCaptures } from '../../src/runbook/captures.js';
import { ruleContextOf, runbookText } from '../helpers/runbook-doc.js';

/** Which captures are set on every path into a step: a forward must-analysis over the flow. */

function definite(steps: string): Record<string, string[]> {
  const { runbook, index } = ruleContextOf(runbookText(steps));
  const d = definiteCaptures(index, runbook.steps[0]?.id);
  return Object.fromEntries([...d].map(([id, set]) => [id, [...set].sort()]));
}

const order = '    read: { observe: rolling-order, with: { nodes: { ref: params.nodes } } }';
const status = '    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }';

describe('definiteCaptures', () => {
  it('a straight line: each capture is set from the step after it on', () => {
    expect(definite(`  - id: a\n${order}\n  - id: b\n${status}\n  - id: c\n${status}\n`)).toEqual({
      a: [],
      b: ['a'],
      c: ['a'],
    });
  });

  it('a choice that skips the capturing step: not set after the join', () => {
    const steps = [
      '  - id: pick',
      '    choice: { check: no-learners, with: { nodes: { ref: params.nodes } }, ifPass: join }',
      '  - id: order',
      order,
      '  - id: join',
      status,
    ].join('\n');
    expect(definite(steps)).toEqual({ pick: [], order: [], join: [] });
  });

  it('the failure path of the capturing step does not set it', () => {
    const steps = [
      '  - id: order',
      order,
      '    onFailure: { goto: cleanup }',
      '  - id: use',
      status,
      '  - id: cleanup',
      status,
    ].join('\n');
    const d = definite(steps);
    expect(d.use).toEqual(['order']);
    // reached by order's success (through use) and by its failure: not definite
    expect(d.cleanup).toEqual([]);
  });
});

describe('captureTypes and captureName', () => {
  it('an observation’s outputs with their types, under the step id', () => {
    const { runbook } = ruleContextOf(
      runbookText(`  - id: lost\n    read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }\n`),
    );
    const step = runbook.steps[0];
    if (step === undefined) throw new Error('no step');
    expect(captureName(step)).toBe('lost');
    expect(captureTypes(step)).toMatchObject({ reachable: 'boolean', node: 'node' });
  });

  it('a step that captures nothing has no name and no types', () => {
    const { runbook } = ruleContextOf(runbookText(`  - id: s\n${status}\n`));
    const step = runbook.steps[0];
    if (step === undefined) throw new Error('no step');
    expect(captureName(step)).toBeUndefined();
    expect(captureTypes(step)).toBeUndefined();
  });
});
