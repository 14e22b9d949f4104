import { describe, expect, it } from 'vitest';
import type { GateFacts } from '../../src/engine/effects/gate-facts.js';
import { gateText } from '../../src/io/gate-messages.js';

/** The words of a gate from its facts: every line a responder reads before approving. */
const quiet: GateFacts = {
  stepId: 'confirm-remove',
  prompt: 'Remove the lost member. Type its id to approve.',
  next: [],
  members: 3,
  voters: 3,
  leaders: ['750f82d0bd760ee4'],
  leaderNode: '127.0.0.81',
  alarms: [],
  silent: [],
  refusing: [],
  removes: undefined,
  target: undefined,
  loops: [],
  paramSources: [],
  captures: [],
  fingerprint: 'ab'.repeat(32),
};

describe('gateText', () => {
  it('words every fact, in the order a responder reads them', () => {
    const text = gateText({
      ...quiet,
      next: [
        {
          id: 'remove-member',
          effect: 'irreversible',
          command: 'talosctl -n 127.0.0.81 etcd remove-member f01967dd4c9d5919',
          destroys: 'removes member f01967dd4c9d5919 from the cluster',
        },
      ],
      alarms: [{ kind: 'NOSPACE', member: 'c93b2f5fc7348e76', node: '127.0.0.82' }],
      silent: ['127.0.0.83'],
      refusing: [{ node: '127.0.0.84', reason: 'rpc not supported for learner' }],
      removes: { votersAfter: 2, quorumAfter: 2 },
      target: { type: 'memberId', value: 'f01967dd4c9d5919', member: undefined, node: '127.0.0.83' },
      loops: ['each-node'],
      paramSources: [{ name: 'snapshot', source: 'backup 2026-12-01T00:00:00Z from s3://b/etcd' }],
      captures: [
        { kind: 'etcd-data', layout: 'EPHEMERAL volume', labels: 'EPHEMERAL' },
        { kind: 'snapshot', name: 'snap', hash: 'deadbeef', revision: 42, path: '/tmp/s.db' },
      ],
    });
    expect(text).toBe(
      [
        'GATE confirm-remove: Remove the lost member. Type its id to approve.',
        '  Next: remove-member [IRREVERSIBLE]  talosctl -n 127.0.0.81 etcd remove-member f01967dd4c9d5919',
        '    This removes member f01967dd4c9d5919 from the cluster.',
        '  Cluster now: 3 member(s), 3 voter(s), leader 750f82d0bd760ee4 on 127.0.0.81',
        '  Alarms: NOSPACE on member c93b2f5fc7348e76 on 127.0.0.82',
        '  Not answering: 127.0.0.83',
        '  Answering with an error: 127.0.0.84 (rpc not supported for learner)',
        '  After it: 2 voter(s) remain; quorum of 2 is 2',
        '  Target: memberId f01967dd4c9d5919 (on 127.0.0.83)',
        '  Approving by flag: --approve confirm-remove covers every iteration (each-node), each recorded with its target; --approve confirm-remove@f01967dd4c9d5919 covers this one only',
        '  snapshot: backup 2026-12-01T00:00:00Z from s3://b/etcd',
        '  etcd data on this node: EPHEMERAL volume; wiping EPHEMERAL',
        '  Latest snapshot (snap): hash deadbeef, revision 42, /tmp/s.db',
        '  State fingerprint: sha256:abababababababab',
      ].join('\n'),
    );
  });

  it('says when there is no leader, or when the members disagree on it', () => {
    expect(gateText({ ...quiet, leaders: [], leaderNode: undefined })).toContain('leader none\n');
    const split = gateText({ ...quiet, leaders: ['aa', 'bb'], leaderNode: undefined });
    expect(split).toContain('leader DISAGREEMENT (aa, bb)\n');
    // a leader the reads do not place is shown bare, never with a made-up node
    expect(gateText({ ...quiet, leaderNode: undefined })).toContain('leader 750f82d0bd760ee4\n');
  });

  it('says quorum was not read rather than counting from zero voters', () => {
    const text = gateText({ ...quiet, voters: 0, removes: 'no-voter-seen' });
    expect(text).toContain('  After it: no voter was seen before it (quorum is already lost or not read)');
    expect(text).not.toContain('remain');
    expect(gateText(quiet)).not.toContain('After it');
  });

  it('names the other half of a target, and the flag approval only for a confirm with a target', () => {
    const node = { type: 'node', value: '127.0.0.83', member: 'f01967dd4c9d5919', node: undefined };
    expect(gateText({ ...quiet, target: node })).toContain('  Target: node 127.0.0.83 (member f01967dd4c9d5919)\n');
    expect(gateText({ ...quiet, target: { ...node, member: undefined } })).toContain('  Target: node 127.0.0.83\n');
    expect(gateText({ ...quiet, loops: ['each-node'] })).not.toContain('Approving by flag');
    expect(gateText({ ...quiet, alarms: [] })).toContain('  Alarms: none\n');
  });
});
