/**
 * The vocabulary a runbook may use to look at a cluster, shared by the runbook validator (which
 * checks names, argument types and reference types statically) and by the engine (which runs
 * them). Pure data: no behaviour here.
 *
 * - A *check* (precondition / wait / postcondition / choice) yields a verdict plus observed values.
 * - An *observation* (a `read` step) yields typed outputs that later steps reference
 *   (`{ ref: <capture>.<field> }`).
 * - A talosctl command whose output is worth keeping declares its outputs in the command
 *   registry (src/talos/commands.ts).
 *
 * Adding an entry is backwards compatible; renaming or removing one breaks runbooks.
 */

/** The value types of params, check arguments and captured outputs. */
export type ValueType =
  | 'node' // a node address (IPv4/IPv6 literal or DNS name), validated before it reaches argv
  | 'nodes' // a non-empty list of node addresses
  | 'memberId' // 16 hex digits
  | 'path' // a local file path
  | 'duration' // e.g. 30s, 5m, 1h
  | 'percent' // 0..100
  | 'number' // an integer ≥ 0
  | 'string'
  | 'boolean'
  | 'enum';

export interface ArgSpec {
  type: ValueType;
  required: boolean;
  description: string;
  /** for type enum */
  values?: readonly string[];
}

export interface CheckSpec {
  description: string;
  args: Readonly<Record<string, ArgSpec>>;
}

export interface ObservationSpec {
  description: string;
  args: Readonly<Record<string, ArgSpec>>;
  outputs: Readonly<Record<string, { type: ValueType; description: string }>>;
}

const nodes: ArgSpec = { type: 'nodes', required: true, description: 'control plane nodes to ask' };
const member: ArgSpec = { type: 'memberId', required: true, description: 'etcd member id (16 hex digits)' };

export const CHECKS = {
  'alarm-active': {
    description: 'the given etcd alarm is raised (alarm list)',
    args: { nodes, alarm: { type: 'enum', required: true, description: 'alarm kind', values: ['NOSPACE', 'CORRUPT'] } },
  },
  'no-alarms': { description: 'no etcd alarm is raised and status errors are empty', args: { nodes } },
  'members-count': {
    description: 'the member list has exactly `count` members, as every node sees it',
    args: { nodes, count: { type: 'number', required: true, description: 'expected number of members' } },
  },
  'all-members-started': { description: 'every listed member has started (name and client URLs set)', args: { nodes } },
  'no-learners': { description: 'no member is a learner', args: { nodes } },
  'member-present': { description: 'the member is in the member list', args: { nodes, member } },
  'member-absent': { description: 'the member is not in the member list', args: { nodes, member } },
  'member-healthy': {
    description: "the node's member answers status, has no errors, is a voter and is caught up with the leader",
    args: {
      node: { type: 'node', required: true, description: 'the node whose member must be healthy' },
      nodes,
      maxLag: { type: 'number', required: false, description: 'raft entries behind the leader still healthy' },
      ignoreAlarm: {
        type: 'enum',
        required: false,
        description: 'a raised alarm whose status error does not count (NOSPACE stays until disarm)',
        values: ['NOSPACE', 'CORRUPT'],
      },
    },
  },
  'leader-elected': { description: 'exactly one leader, agreed by the member of every node', args: { nodes } },
  'raft-converged': {
    description: 'raft index spread ≤ maxSpread for `polls` consecutive polls',
    args: {
      nodes,
      maxSpread: { type: 'number', required: false, description: 'largest allowed raft index spread' },
      polls: { type: 'number', required: false, description: 'consecutive polls that must agree' },
    },
  },
  'db-in-use-ratio': {
    description: 'IN USE / DB SIZE of every member is within [min, max] percent',
    args: {
      nodes,
      min: { type: 'percent', required: false, description: 'lowest allowed in-use percentage' },
      max: { type: 'percent', required: false, description: 'highest allowed in-use percentage' },
    },
  },
  'db-size-dropped': {
    description:
      "after defragmenting `node`: its DB SIZE is at most maxPercent % of the largest other member's (defrag freed space)",
    args: {
      node: { type: 'node', required: true, description: 'the member that was just defragmented' },
      nodes,
      maxPercent: {
        type: 'percent',
        required: false,
        description: 'highest size left, in % of the others (default 90)',
      },
    },
  },
  'quorum-safe-to-remove': {
    description: 'after removing the member, started voters ≥ quorum of the new cluster size',
    args: { nodes, member },
  },
  'quorum-safe-to-disrupt': {
    description:
      'the cluster keeps quorum while the node is out of service (member, node) or its leadership moves (leadership); the compiler puts it before every disruptive command',
    args: {
      node: { type: 'node', required: true, description: 'the node the disruptive command targets' },
      nodes,
      mode: {
        type: 'enum',
        required: true,
        description: 'what the command takes out of service',
        values: ['member', 'leadership', 'node'],
      },
    },
  },
  'service-state': {
    description: 'the etcd service of every node is in the given state (service etcd)',
    args: {
      nodes,
      state: {
        type: 'enum',
        required: true,
        description: 'expected STATE',
        values: ['Running', 'Preparing', 'Waiting', 'Failed', 'Finished', 'Starting', 'Stopping'],
      },
      health: { type: 'enum', required: false, description: 'expected HEALTH', values: ['OK', 'Fail', '?'] },
    },
  },
  'quorum-lost': {
    description:
      'etcd quorum is lost, on positive evidence only: enough voters seen down that the rest cannot make a quorum (a voter that runs but knows no leader is cut off, not lost)',
    args: {
      nodes,
      allAnswer: {
        type: 'boolean',
        required: false,
        description:
          'every voter whose loss is counted must have a node that answers talosctl: a node that answers nothing may be one a partition hides from this side',
      },
      voters: {
        type: 'number',
        required: false,
        description:
          'how many voting members the cluster had: counts the voters when no node can print the member list (no leader)',
      },
    },
  },
  'flag-set': {
    description: 'the given boolean (usually a boolean param or output) is true: lets a choice branch on it',
    args: {
      value: { type: 'boolean', required: true, description: 'the boolean to test' },
      yes: {
        type: 'string',
        required: false,
        description: 'what true means, in words: the answer a responder reads and the log records',
      },
      no: {
        type: 'string',
        required: false,
        description: 'what false means, in words: the answer a responder reads and the log records',
      },
    },
  },
  'snapshot-verified': {
    description:
      'the snapshot file is complete (size % 512 == 32), its hash/revision/keys recorded and its revision not behind live members',
    args: {
      path: { type: 'path', required: true, description: 'snapshot file' },
      nodes: { type: 'nodes', required: false, description: 'live members to compare the revision with' },
    },
  },
} as const satisfies Record<string, CheckSpec>;

export type CheckName = keyof typeof CHECKS;

export const OBSERVATIONS = {
  leader: {
    description: 'the current leader, as agreed by the member of every node (a member positively down has no say)',
    args: { nodes },
    outputs: {
      node: { type: 'node', description: 'the leader node' },
      member: { type: 'memberId', description: 'the leader member id' },
    },
  },
  'rolling-order': {
    description: 'the nodes ordered followers first, leader last: the safe order for rolling maintenance',
    args: { nodes },
    outputs: {
      order: { type: 'nodes', description: 'followers first, then the leader' },
      followers: { type: 'nodes', description: 'the nodes whose member is not the leader' },
      leader: { type: 'node', description: 'the leader node' },
      probe: { type: 'node', description: 'the first follower (the leader when it is alone): the node to try first' },
      rest: { type: 'nodes', description: 'the followers after the probe (may be empty)' },
    },
  },
  'member-of-node': {
    description: 'the member id of the etcd running on a node',
    args: { node: { type: 'node', required: true, description: 'the node' }, nodes },
    outputs: { member: { type: 'memberId', description: 'its member id' } },
  },
  'lost-member': {
    description: 'the member that is in the member list but does not answer',
    args: { nodes },
    outputs: {
      node: { type: 'node', description: 'the node of the lost member' },
      member: { type: 'memberId', description: 'its member id' },
      reachable: { type: 'boolean', description: 'whether its node still answers talosctl at all' },
      isLeader: { type: 'boolean', description: 'whether it was the leader' },
    },
  },
  'lagging-member': {
    description: 'the member whose raft index is furthest behind the leader (or a learner never promoted)',
    args: { nodes, maxLag: { type: 'number', required: false, description: 'lag that counts as behind' } },
    outputs: {
      node: { type: 'node', description: 'the lagging node' },
      member: { type: 'memberId', description: 'its member id' },
      lag: { type: 'number', description: 'raft entries behind the leader' },
      learner: { type: 'boolean', description: 'whether it is still a learner' },
    },
  },
  'reachable-node': {
    description:
      'a node that answers `service etcd`: the preferred one if given, else the first of nodes that answers (skipping only nodes that refuse)',
    args: {
      nodes,
      prefer: { type: 'string', required: false, description: 'the node to use (must be one of nodes); empty: any' },
    },
    outputs: { node: { type: 'node', description: 'the chosen node' } },
  },
  'max-revision': {
    description: 'the highest revision of the given members, every one read (for comparison with a snapshot)',
    args: { nodes },
    outputs: { revision: { type: 'number', description: 'the highest revision seen' } },
  },
  'etcd-volume': {
    description:
      'where the node keeps etcd data (a directory under EPHEMERAL, or a dedicated ETCD partition on Talos 1.14+): the system labels a reset must wipe to clear it',
    args: { node: { type: 'node', required: true, description: 'the node' } },
    outputs: {
      labels: { type: 'string', description: 'EPHEMERAL, or EPHEMERAL,ETCD when etcd has its own volume' },
      dedicated: { type: 'boolean', description: 'whether etcd has a dedicated ETCD partition' },
      layout: { type: 'string', description: 'the layout in words, for the log and the gate' },
    },
  },
  preflight: {
    description:
      'risks found in the field, reported before a change: an even member count, clock skew between nodes, a TLS certificate problem, and the etcd versions (a mix flagged)',
    args: {
      nodes,
      maxSkewMs: {
        type: 'number',
        required: false,
        description: 'clock skew between nodes, in milliseconds, that counts as a risk (default 500)',
      },
    },
    outputs: {
      warnings: { type: 'number', description: 'how many risks were found' },
      clean: { type: 'boolean', description: 'no risk found and every node read' },
      report: { type: 'string', description: 'each finding in one sentence' },
    },
  },
} as const satisfies Record<string, ObservationSpec>;

export type ObservationName = keyof typeof OBSERVATIONS;
