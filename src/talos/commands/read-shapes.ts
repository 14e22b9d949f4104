import { bool, insecure, none, read, type Shape, value } from './shape.js';

/**
 * The talosctl commands that change nothing anywhere: the etcd reads the checks use, logs, and
 * the node's resources, versions, health and clock. (`service [<id>] [status]` and
 * `apply-config --dry-run` are reads too; they sit with their changing forms in machine-shapes.ts.)
 */
export const READ_SHAPES: readonly Shape[] = [
  {
    path: ['etcd', 'members'],
    flags: [],
    args: none,
    classify: () => read('lists the etcd members as this node sees them'),
  },
  {
    path: ['etcd', 'status'],
    flags: [],
    args: none,
    classify: () => read("reads the member's etcd status"),
  },
  {
    path: ['etcd', 'alarm', 'list'],
    flags: [],
    args: none,
    classify: () => read('lists the etcd alarms'),
  },
  {
    path: ['logs'],
    flags: [bool('follow', 'f'), value('tail'), bool('kubernetes', 'k'), bool('use-cri'), ...insecure],
    args: { min: 1, max: 1, names: ['id'] },
    classify: () => read('reads service logs'),
  },
  {
    path: ['dmesg'],
    flags: [bool('follow', 'f'), bool('tail'), ...insecure],
    args: none,
    classify: () => read('reads the kernel log'),
  },
  {
    path: ['get'],
    flags: [value('output', 'o'), value('namespace'), bool('watch', 'w'), ...insecure],
    args: { min: 1, max: 8, names: ['type', 'id'] },
    classify: () => read('reads a resource'),
  },
  {
    path: ['version'],
    flags: [bool('client'), bool('short'), bool('json'), ...insecure],
    args: none,
    classify: () => read('prints versions'),
  },
  {
    path: ['health'],
    flags: [
      bool('server'),
      value('wait-timeout'),
      value('control-plane-nodes'),
      value('worker-nodes'),
      value('init-node'),
      value('k8s-endpoint'),
    ],
    args: none,
    classify: () => read('runs the health checks'),
  },
  {
    path: ['time'],
    flags: [value('check')],
    args: none,
    classify: () => read("reads the node's time"),
  },
];
