import { describe, expect, it } from 'vitest';
import { crashTrial, type KillPoint } from '../../scripts/reliability/crash-points.js';

/**
 * Crash at every point, the CI subset (issue #8): nospace-recovery on the lab, talos-dr SIGKILLed
 * by its stand-in talosctl before a mutating command (intent journaled, nothing ran) and right
 * after one ran but before its result was recorded (mid-step), then resumed until it ends. Counted
 * from what the lab shim really executed. The points are named by the command (the first defrag,
 * forfeit-leadership, the alarm disarm guarded by confirm-disarm), not by call number.
 */
const POINTS: Array<KillPoint & { words: string }> = [
  { k: 0, match: 'etcd defrag', when: 'after', words: 'etcd defrag' },
  { k: 0, match: 'etcd forfeit-leadership', when: 'before', words: 'etcd forfeit-leadership' },
  { k: 0, match: 'etcd alarm disarm', when: 'after', words: 'etcd alarm disarm' },
];

describe('crash at every point: nospace-recovery (CI subset)', () => {
  for (const p of POINTS) {
    it(`SIGKILL ${p.when} ${p.words}: resumed to success, nothing run twice, log verifies`, async () => {
      const r = await crashTrial('nospace-recovery', p);
      expect(r.killedAt, JSON.stringify(r.calls)).toContain(p.words);
      expect(r.completed, r.detail).toBe(true);
      expect(r.sessions).toBe(2);
      expect(r.irreversibleTwice).toBe(0);
      expect(r.irreversibleWithoutApproval).toBe(0);
      expect(r.logVerifies).toBe(true);
      const disarms = r.calls.filter((c) => c.argv.join(' ').endsWith('etcd alarm disarm'));
      expect(disarms).toHaveLength(1);
    }, 200_000);
  }
});

/**
 * Found by the campaign: SIGKILL right after `etcd leave` ran on the lost node (where it fails)
 * made resume run it again on the blanket approval of its confirm. Its `done:` check
 * (member-absent, `otherwise: fail`) now sends the run to remove-by-id instead.
 */
describe('crash at every point: replace-lost-member (CI subset)', () => {
  it('SIGKILL after etcd leave ran: resumed to success through remove-member, leave ran once', async () => {
    const r = await crashTrial('replace-lost-member', { k: 0, when: 'after', match: 'etcd leave' });
    expect(r.killedAt, JSON.stringify(r.calls)).toContain('etcd leave');
    expect(r.completed, r.detail).toBe(true);
    expect(r.irreversibleTwice).toBe(0);
    expect(r.irreversibleWithoutApproval).toBe(0);
    expect(r.logVerifies).toBe(true);
    const words = r.calls.map((c) => c.argv.join(' '));
    expect(words.filter((w) => w.endsWith('etcd leave'))).toHaveLength(1);
    expect(words.filter((w) => w.includes('etcd remove-member'))).toHaveLength(1);
  }, 300_000);
});
