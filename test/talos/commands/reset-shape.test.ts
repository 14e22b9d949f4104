import { describe, expect, it } from 'vitest';
import { RESET_SHAPE } from '../../../src/talos/commands/reset-shape.js';
import { OPAQUE, type Token } from '../../../src/talos/flag-grammar.js';
import { verdictOf } from '../../helpers/shape-verdict.js';

/**
 * `talosctl reset`, the most destructive command a runbook may write: what it wipes is read from
 * its own flags (talosctl's defaults: graceful, wipe everything, power off) and named at the gate.
 */

const v = (rest: Token[] = []) => verdictOf([RESET_SHAPE], ['reset'], rest);
const destroys = (rest: Token[] = []) => {
  const x = v(rest);
  return 'unknown' in x ? { unknown: x.unknown } : x.destroys;
};
const LEAVE = "first the node's etcd member leaves the cluster (graceful)";
const DISK = 'the whole system disk: STATE (its machine config) and EPHEMERAL (its etcd data)';
const OFF = 'then the node powers off and stays off';

describe('reset', () => {
  it('is always irreversible, takes the node out, and is gated', () => {
    for (const rest of [[], ['--graceful=false', '--reboot'], ['--system-labels-to-wipe', 'META']] as Token[][]) {
      const x = v(rest);
      expect('unknown' in x ? x : [x.effect, x.outOfService, x.gate], JSON.stringify(rest)).toEqual([
        'irreversible',
        'node',
        true,
      ]);
    }
  });

  it("talosctl's defaults: graceful, the whole system disk, then power off", () => {
    expect(destroys()).toBe(`wipes ${LEAVE}; ${DISK}; ${OFF}`);
  });

  it('--graceful=false: no leave first; --reboot: it comes back', () => {
    expect(destroys(['--graceful=false'])).toBe(`wipes ${DISK}; ${OFF}`);
    expect(destroys(['--reboot'])).toBe(`wipes ${LEAVE}; ${DISK}; then the node reboots`);
    expect(destroys(['--reboot=false', '--graceful=0'])).toBe(`wipes ${DISK}; ${OFF}`);
  });

  it('named system labels, each in words, in the order given', () => {
    expect(
      destroys(['--system-labels-to-wipe', 'EPHEMERAL,STATE', '--system-labels-to-wipe=ETCD,META', '--graceful=false']),
    ).toBe(
      'wipes EPHEMERAL (/var: its etcd data unless etcd has its own ETCD volume, pods, images); STATE (its machine config); ' +
        'ETCD (its etcd data directory, on Talos 1.14 with a dedicated ETCD volume); META (its metadata partition); ' +
        OFF,
    );
  });

  it('a label the registry does not know is still named', () => {
    expect(destroys(['--system-labels-to-wipe=BOOT', '--graceful=false'])).toBe(
      `wipes BOOT (a volume this registry does not know); ${OFF}`,
    );
  });

  it('labels from a ref are named as such', () => {
    expect(destroys(['--system-labels-to-wipe', OPAQUE, '--graceful=false'])).toBe(
      `wipes the system volumes named by a reference (known only at run time); ${OFF}`,
    );
  });

  it('wipe modes: user-disks spares the system disk; system-disk ignores the user disks named', () => {
    expect(destroys(['--wipe-mode', 'user-disks', '--user-disks-to-wipe', '/dev/sdb', '--graceful=false'])).toBe(
      `wipes the user disks named; ${OFF}`,
    );
    expect(destroys(['--wipe-mode', 'system-disk', '--user-disks-to-wipe', '/dev/sdb', '--graceful=false'])).toBe(
      `wipes ${DISK}; ${OFF}`,
    );
    expect(destroys(['--wipe-mode=all', '--user-disks-to-wipe', '/dev/sdb', '--graceful=false'])).toBe(
      `wipes ${DISK}; the user disks named; ${OFF}`,
    );
  });

  it('values talosctl would refuse or that are unknown until run time are not matched exactly', () => {
    expect(destroys(['--wipe-mode', 'everything'])).toEqual({
      unknown: '--wipe-mode everything is not all, system-disk or user-disks',
    });
    expect(destroys(['--wipe-mode', OPAQUE])).toEqual({
      unknown: '--wipe-mode (a reference) is not all, system-disk or user-disks',
    });
    expect(destroys(['--graceful=yes'])).toEqual({
      unknown: '--graceful has a value talosctl does not read as a bool',
    });
    expect(destroys(['--reboot=on'])).toEqual({ unknown: '--reboot has a value talosctl does not read as a bool' });
  });
});
