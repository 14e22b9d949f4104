import { describe, expect, it } from 'vitest';
import { buildPlan, formatPlan } from '../../src/engine/plan.js';
import { compileText } from '../helpers/drive-machine.js';

/**
 * The plan: every step in order (loop bodies indented under their loop), each with its effect
 * and what it would do — the exact argv with -n, its timeout and retries, and what must come
 * before a change (a confirm and a live recheck, a fresh quorum check, a free file path).
 */
const { runbook } = compileText(
  `  - id: pre
    precondition: { check: leader-elected, with: { nodes: { ref: params.nodes } } }
  - id: lost
    read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }
  - id: snap
    talosctl: [etcd, snapshot, /tmp/s.db]
    node: { ref: params.node }
    retry: { attempts: 3, backoff: 2s }
  - id: c
    confirm: { prompt: Remove it?, token: { ref: lost.member } }
  - id: rm
    talosctl: [etcd, remove-member, { ref: lost.member }]
    node: { ref: params.node }
    timeout: 30s
  - id: each
    foreach: { in: { ref: params.nodes }, as: n }
    steps:
      - id: d
        talosctl: [etcd, defrag]
        node: { ref: n }
  - id: m
    manual: { instructions: look, prompt: Looks fine? }
  - id: ok
    end: { outcome: success, message: all good }`,
  '  node: { type: node, description: n }\n  nodes: { type: nodes, description: n }\n',
);
const params = { node: '10.0.0.1', nodes: ['10.0.0.1', '10.0.0.2'] };

describe('buildPlan', () => {
  const plan = buildPlan(runbook, { params, captures: {}, vars: {} });

  it('lists every step in order with its depth and effect', () => {
    expect(plan.map((i) => [i.id, i.depth, i.effect])).toEqual([
      ['pre', 0, 'read'],
      ['lost', 0, 'read'],
      ['snap', 0, 'local-write'],
      ['c', 0, 'none'],
      ['rm', 0, 'irreversible'],
      ['each', 0, 'none'],
      ['d', 1, 'disruptive'],
      ['m', 0, 'none'],
      ['ok', 0, 'none'],
    ]);
  });

  it('words each step: argv with -n, timeouts, retries and what a change needs first', () => {
    const detail = Object.fromEntries(plan.map((i) => [i.id, i.detail]));
    expect(detail.pre).toBe('precondition leader-elected nodes=10.0.0.1,10.0.0.2');
    expect(detail.lost).toBe('observe lost-member nodes=10.0.0.1,10.0.0.2 → lost');
    expect(detail.snap).toBe(
      'talosctl -n 10.0.0.1 etcd snapshot /tmp/s.db (timeout 120s, up to 3 attempts); needs a file path that does not exist yet',
    );
    expect(detail.c).toBe('GATE "Remove it?", guards rm; type <ref lost.member> to approve');
    expect(detail.rm).toBe(
      'talosctl -n 10.0.0.1 etcd remove-member <ref lost.member> (timeout 30s); needs a confirm and a live recheck',
    );
    expect(detail.each).toBe('for each n in 10.0.0.1,10.0.0.2, one at a time:');
    expect(detail.d).toBe(
      'talosctl -n <ref n> etcd defrag (timeout 120s); needs a fresh quorum check (member out of service)',
    );
    expect(detail.m).toBe('MANUAL Looks fine?');
    expect(detail.ok).toBe('end: success — all good');
    expect(plan.find((i) => i.id === 'rm')?.argv).toEqual([
      '-n',
      '10.0.0.1',
      'etcd',
      'remove-member',
      '<ref lost.member>',
    ]);
  });

  it('a capture found by --live-reads is shown as its value', () => {
    const live = buildPlan(runbook, { params, captures: { lost: { member: '0a1b2c3d4e5f6a7b' } }, vars: {} });
    expect(live.find((i) => i.id === 'rm')?.argv).toEqual([
      '-n',
      '10.0.0.1',
      'etcd',
      'remove-member',
      '0a1b2c3d4e5f6a7b',
    ]);
    expect(live.find((i) => i.id === 'c')?.detail).toBe(
      'GATE "Remove it?", guards rm; type 0a1b2c3d4e5f6a7b to approve',
    );
  });
});

describe('formatPlan', () => {
  it('one line per item: indented by depth, the effect tagged unless none', () => {
    expect(
      formatPlan([
        { id: 'a', depth: 0, kind: 'end', title: 'A', effect: 'none', detail: 'x' },
        { id: 'b', depth: 2, kind: 'talosctl', title: 'B', effect: 'read', detail: 'y' },
      ]),
    ).toBe('a: x\n    b [read]: y\n');
    expect(formatPlan([])).toBe('');
  });
});
