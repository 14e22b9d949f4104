import { boolValue, OPAQUE, type Token } from '../flag-grammar.js';
import { SNAPSHOT_OUTPUTS } from './outputs.js';
import { bool, none, type Shape, value } from './shape.js';

/**
 * The talosctl commands that act on etcd itself: disarm its alarms, defragment or snapshot a
 * member, move its leadership, take a member out of the cluster, or create a new cluster from a
 * node (bootstrap, with or without a snapshot).
 */
export const ETCD_SHAPES: readonly Shape[] = [
  {
    path: ['etcd', 'alarm', 'disarm'],
    flags: [],
    args: none,
    classify: () => ({
      effect: 'irreversible',
      reason: 'disarms every etcd alarm cluster-wide (not only NOSPACE); an alarm cannot be raised again by hand',
      destroys:
        'clears every etcd alarm cluster-wide: etcd accepts writes again (if space is still short it re-raises)',
      outOfService: undefined,
      gate: true,
    }),
  },
  {
    path: ['etcd', 'defrag'],
    flags: [],
    args: none,
    classify: () => ({
      effect: 'disruptive',
      reason: 'defragmenting takes the member out of service: it blocks its reads and writes while it runs',
      destroys: undefined,
      outOfService: 'member',
      gate: false,
    }),
  },
  {
    path: ['etcd', 'forfeit-leadership'],
    flags: [],
    args: none,
    classify: () => ({
      effect: 'disruptive',
      reason: 'moves the etcd leadership: the cluster elects a new leader',
      destroys: undefined,
      outOfService: 'leadership',
      gate: false,
    }),
  },
  {
    path: ['etcd', 'leave'],
    flags: [],
    args: none,
    classify: () => ({
      effect: 'irreversible',
      reason: "removes the node's member from the etcd cluster and deletes its etcd data",
      destroys:
        "makes the node's etcd member leave the cluster and deletes its data directory: it can only come back by joining again empty",
      outOfService: 'member',
      gate: true,
    }),
  },
  {
    path: ['etcd', 'remove-member'],
    flags: [],
    args: { min: 1, max: 1, names: ['member-id'] },
    classify: (p) => {
      const id = p.args[0]?.value;
      if (id !== OPAQUE && id !== undefined && !/^[0-9a-f]{1,16}$/i.test(id))
        return { unknown: `"${id}" is not a hex member id (talosctl parses it with ParseUint base 16)` };
      return {
        effect: 'irreversible',
        reason: 'removes a member from the etcd cluster for good',
        destroys: `removes the member ${id === OPAQUE || id === undefined ? '' : `${id} `}from the etcd cluster for good: it can only come back by wiping its node and joining again`,
        outOfService: 'member',
        gate: true,
      };
    },
  },
  {
    path: ['etcd', 'snapshot'],
    flags: [],
    args: { min: 1, max: 1, names: ['path'] },
    localFileArg: 0,
    outputs: SNAPSHOT_OUTPUTS,
    classify: () => ({
      effect: 'local-write',
      reason: 'streams a snapshot of the member to a local file (it never replaces an existing file)',
      destroys: undefined,
      outOfService: undefined,
      gate: false,
    }),
  },
  {
    path: ['bootstrap'],
    flags: [value('recover-from'), bool('recover-skip-hash-check')],
    args: none,
    classify: (p) => {
      const skip = p.has('recover-skip-hash-check') ? boolValue(p.flag('recover-skip-hash-check') as Token) : false;
      if (skip === undefined) return { unknown: '--recover-skip-hash-check has a value that is not a bool' };
      const from = p.flag('recover-from');
      return {
        effect: 'irreversible',
        reason: 'creates a NEW etcd cluster from this node',
        destroys: `creates a NEW etcd cluster from this node${from === undefined ? '' : ` out of the snapshot${from === OPAQUE ? '' : ` ${from}`}${skip ? ' WITHOUT its hash check' : ''}`}: any other copy of the cluster data is no longer authoritative`,
        outOfService: undefined,
        gate: true,
      };
    },
  },
];
