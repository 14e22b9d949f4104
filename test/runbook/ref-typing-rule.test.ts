import { describe, expect, it } from 'vitest';
import { refsAndArgs } from '../../src/runbook/ref-typing-rule.js';
import { ruleContextOf, runbookText } from '../helpers/runbook-doc.js';

/** The ref-typing rule alone: args of checks and observations, literals, and the type of every ref. */

const diagnostics = (steps: string) => refsAndArgs(ruleContextOf(runbookText(steps)));
const problems = (steps: string) => diagnostics(steps).map((d) => `${d.code} ${d.message}`);

describe('refsAndArgs', () => {
  it('accepts a ref of the right type and a node where nodes are expected', () => {
    expect(
      problems(
        [
          '  - id: lost',
          '    read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }',
          '  - id: status',
          '    talosctl: [etcd, status]',
          '    nodes: { ref: lost.node }',
        ].join('\n'),
      ),
    ).toEqual([]);
  });

  it('a boolean output where nodes are expected (RB1213)', () => {
    const p = problems(
      [
        '  - id: lost',
        '    read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }',
        '  - id: status',
        '    talosctl: [etcd, status]',
        '    nodes: { ref: lost.reachable }',
      ].join('\n'),
    );
    expect(p).toEqual(['RB1213 steps[1].nodes: { ref: lost.reachable } is a boolean, expected nodes']);
  });

  it('an unknown ref names what is known (RB1211)', () => {
    const d = diagnostics(
      ['  - id: status', '    talosctl: [etcd, status]', '    nodes: { ref: params.nodez }'].join('\n'),
    );
    expect(d.map((x) => `${x.code} ${x.message}`)).toEqual([
      'RB1211 steps[0].nodes: { ref: params.nodez } names nothing defined',
    ]);
    expect(d[0]?.hint).toBe('known here: params.nodes');
  });

  it('a capture used before the step that captures it may be unset (RB1212)', () => {
    const p = problems(
      [
        '  - id: status',
        '    talosctl: [etcd, status]',
        '    node: { ref: order.leader }',
        '  - id: order',
        '    read: { observe: rolling-order, with: { nodes: { ref: params.nodes } } }',
      ].join('\n'),
    );
    expect(p.map((x) => x.slice(0, 6))).toEqual(['RB1212']);
  });

  it('an unknown arg, a missing arg and a bad literal (RB1208, RB1209, RB1210)', () => {
    const codes = (steps: string) => problems(steps).map((x) => x.slice(0, 6));
    const pre = (w: string) => `  - id: a\n    precondition: { check: ${w} }\n`;
    expect(codes(pre('no-alarms, with: { nodes: { ref: params.nodes }, alarm: NOSPACE }'))).toEqual(['RB1208']);
    expect(codes(pre('alarm-active, with: { nodes: { ref: params.nodes } }'))).toEqual(['RB1209']);
    expect(codes(pre('member-present, with: { nodes: { ref: params.nodes }, member: xyz }'))).toEqual(['RB1210']);
    // the same check with its args right: nothing
    expect(codes(pre('alarm-active, with: { nodes: { ref: params.nodes }, alarm: NOSPACE }'))).toEqual([]);
    expect(codes(pre('member-present, with: { nodes: { ref: params.nodes }, member: 8e9e05c52164694d }'))).toEqual([]);
  });

  it('a foreach variable is a node, inside its loop only', () => {
    const loop = [
      '  - id: each',
      '    foreach: { in: { ref: params.nodes }, as: n }',
      '    steps:',
      '      - id: status',
      '        talosctl: [etcd, status]',
      '        node: { ref: n }',
    ].join('\n');
    expect(problems(loop)).toEqual([]);
    const outside = `${loop}\n  - id: after\n    talosctl: [etcd, status]\n    node: { ref: n }\n`;
    expect(problems(outside).map((x) => x.slice(0, 6))).toEqual(['RB1211']);
  });
});
