import { describe, expect, it } from 'vitest';
import { staticScopes } from '../../src/runbook/scopes.js';
import { ruleContextOf, runbookText } from '../helpers/runbook-doc.js';

describe('staticScopes', () => {
  it('every step sees the params and all captures; only a loop’s steps see its variable, as a node', () => {
    const { runbook, index } = ruleContextOf(
      runbookText(
        [
          '  - id: lost',
          '    read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }',
          '  - id: each',
          '    foreach: { in: { ref: params.nodes }, as: n }',
          '    steps:',
          '      - id: inner',
          '        talosctl: [etcd, status]',
          '        node: { ref: n }',
          '  - id: after',
          '    talosctl: [etcd, status]',
          '    nodes: { ref: params.nodes }',
        ].join('\n'),
      ),
    );
    const s = staticScopes(runbook, index);
    expect(s.get('inner')?.vars).toEqual({ n: 'node' });
    expect(s.get('after')?.vars).toEqual({});
    expect(s.get('lost')?.captures.lost).toMatchObject({ reachable: 'boolean' });
    expect(s.get('after')?.params).toBe(runbook.params);
    expect([...s.keys()].sort()).toEqual(['after', 'each', 'inner', 'lost']);
  });
});
