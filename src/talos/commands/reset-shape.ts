import { boolValue, OPAQUE, type Token } from '../flag-grammar.js';
import { bool, none, type Parsed, type Shape, sliceValues, type Verdict, value, waitFlags } from './shape.js';

/**
 * `talosctl reset`: the most destructive command a runbook may write, so what it wipes is read
 * from its own flags (talosctl's defaults: graceful, wipe everything, power off) and named at the
 * gate volume by volume.
 */
export const RESET_SHAPE: Shape = {
  path: ['reset'],
  flags: [
    bool('graceful'),
    bool('reboot'),
    value('system-labels-to-wipe'),
    value('user-disks-to-wipe'),
    value('wipe-mode'),
    ...waitFlags,
    bool('insecure', 'i'),
  ],
  args: none,
  classify: resetVerdict,
};

/** What a reset destroys, from its wipe flags (talosctl reset defaults: graceful, wipe all). */
function resetVerdict(p: Parsed): Verdict | { unknown: string } {
  const graceful = p.has('graceful') ? boolValue(p.flag('graceful') as Token) : true;
  const reboot = p.has('reboot') ? boolValue(p.flag('reboot') as Token) : false;
  if (graceful === undefined) return { unknown: '--graceful has a value talosctl does not read as a bool' };
  if (reboot === undefined) return { unknown: '--reboot has a value talosctl does not read as a bool' };
  const labels = sliceValues(p, 'system-labels-to-wipe');
  const mode = p.flag('wipe-mode') ?? 'all';
  if (mode === OPAQUE || !['all', 'system-disk', 'user-disks'].includes(mode))
    return { unknown: `--wipe-mode ${mode === OPAQUE ? '(a reference)' : mode} is not all, system-disk or user-disks` };
  const parts: string[] = [];
  if (labels === undefined) parts.push('the system volumes named by a reference (known only at run time)');
  else if (labels.length > 0) parts.push(...labels.map(labelWords));
  else if (mode !== 'user-disks')
    parts.push('the whole system disk: STATE (its machine config) and EPHEMERAL (its etcd data)');
  if (mode !== 'system-disk' && p.has('user-disks-to-wipe')) parts.push('the user disks named');
  if (graceful) parts.unshift("first the node's etcd member leaves the cluster (graceful)");
  parts.push(reboot ? 'then the node reboots' : 'then the node powers off and stays off');
  return {
    effect: 'irreversible',
    reason: 'reset wipes data on the node',
    destroys: `wipes ${parts.join('; ')}`,
    outOfService: 'node',
    gate: true,
  };
}

/** A system volume label in words: what wiping it destroys. */
function labelWords(label: string): string {
  switch (label) {
    case 'EPHEMERAL':
      return 'EPHEMERAL (/var: its etcd data unless etcd has its own ETCD volume, pods, images)';
    case 'ETCD':
      return 'ETCD (its etcd data directory, on Talos 1.14 with a dedicated ETCD volume)';
    case 'STATE':
      return 'STATE (its machine config)';
    case 'META':
      return 'META (its metadata partition)';
    default:
      return `${label} (a volume this registry does not know)`;
  }
}
