import { boolValue, OPAQUE, type Token } from '../flag-grammar.js';
import { RESET_SHAPE } from './reset-shape.js';
import { bool, insecure, none, read, type Shape, value, waitFlags } from './shape.js';

/**
 * The talosctl commands that act on the machine rather than on etcd: reset, reboot, shutdown,
 * upgrade, a new machine config, and starting or stopping one of its services. Each takes the
 * node (or its etcd member) out of service; the ones that wipe or power off are irreversible.
 */

const APPLY_MODES = ['auto', 'no-reboot', 'reboot', 'staged', 'try'];
const REBOOT_MODES = ['default', 'powercycle', 'force'];
const SERVICE_ACTIONS = ['status', 'start', 'stop', 'restart'];

/** A mode as a message shows it: a ref is known only at run time (String() would print the symbol). */
const shownMode = (mode: Token): string => (mode === OPAQUE ? '(a reference)' : mode);

export const MACHINE_SHAPES: readonly Shape[] = [
  RESET_SHAPE,
  {
    path: ['reboot'],
    flags: [value('mode', 'm'), ...waitFlags],
    args: none,
    classify: (p) => {
      const mode = p.flag('mode') ?? 'default';
      if (mode === OPAQUE || !REBOOT_MODES.includes(mode))
        return { unknown: `--mode ${shownMode(mode)} is not a known reboot mode` };
      return {
        effect: 'disruptive',
        reason: 'reboots the node: its etcd member is out of service until it is back',
        destroys: undefined,
        outOfService: 'node',
        gate: true,
      };
    },
  },
  {
    path: ['shutdown'],
    flags: [bool('force'), ...waitFlags],
    args: none,
    classify: () => ({
      effect: 'irreversible',
      reason: 'powers the node off: nothing can bring it back remotely',
      destroys: 'powers the node off: its etcd member is gone until someone powers it on',
      outOfService: 'node',
      gate: true,
    }),
  },
  {
    path: ['upgrade'],
    flags: [
      value('image', 'i'),
      bool('preserve', 'p'),
      bool('stage', 's'),
      bool('force', 'f'),
      bool('insecure'),
      value('reboot-mode'),
      ...waitFlags,
    ],
    args: none,
    classify: (p) => {
      const force = p.has('force') ? boolValue(p.flag('force') as Token) : false;
      if (force === undefined) return { unknown: '--force has a value that is not a bool' };
      if (force)
        return {
          effect: 'irreversible',
          reason: 'upgrade --force skips the etcd health and membership checks: it can lose quorum and data',
          destroys: 'upgrades and reboots the node WITHOUT the etcd health checks: quorum and data may be lost',
          outOfService: 'node',
          gate: true,
        };
      return {
        effect: 'disruptive',
        reason: 'upgrades the node: it reboots, and its etcd member is out of service until it is back',
        destroys: undefined,
        outOfService: 'node',
        gate: true,
      };
    },
  },
  {
    path: ['apply-config'],
    aliases: [['apply']],
    flags: [
      value('file', 'f'),
      value('mode', 'm'),
      bool('dry-run'),
      value('config-patch', 'p'),
      value('timeout'),
      ...insecure,
    ],
    args: none,
    classify: (p) => {
      const dry = p.has('dry-run') ? boolValue(p.flag('dry-run') as Token) : false;
      if (dry === undefined) return { unknown: '--dry-run has a value that is not a bool' };
      if (dry) return read('apply-config --dry-run only shows what would change');
      const mode = p.flag('mode') ?? 'auto';
      if (mode === OPAQUE || !APPLY_MODES.includes(mode))
        return { unknown: `--mode ${shownMode(mode)} is not a known apply mode` };
      const rebooting = mode === 'reboot' || mode === 'auto';
      return {
        effect: 'disruptive',
        reason: rebooting
          ? `apply-config --mode=${mode} replaces the machine config and may reboot the node (auto reboots on Talos ≤ 1.13 when needed)`
          : `apply-config --mode=${mode} replaces the machine config; services (etcd among them) may restart`,
        destroys: undefined,
        outOfService: 'node',
        gate: rebooting,
      };
    },
  },
  {
    path: ['service'],
    aliases: [['services']],
    flags: insecure,
    args: { min: 0, max: 2, names: ['id', 'action'] },
    classify: (p) => {
      const id = p.args[0]?.value;
      const action = p.args[1]?.value;
      if (action === undefined || action === 'status')
        return {
          ...read('shows service state'),
          shape: action === undefined ? 'service [<id>]' : 'service <id> status',
        };
      if (action === OPAQUE || !SERVICE_ACTIONS.includes(action))
        return {
          unknown: `"${action === OPAQUE ? '(a reference)' : action}" is not a service action (status, start, stop, restart)`,
        };
      const etcd = id === 'etcd';
      return {
        shape: `service <id> ${action}`,
        effect: 'disruptive',
        reason: `service ${id === OPAQUE ? '<id>' : id} ${action} ${etcd ? 'takes the etcd member out of service' : 'takes a service of the node out of service'}`,
        destroys: undefined,
        outOfService: etcd ? 'member' : 'node',
        gate: false,
      };
    },
  },
];
