import { describe, expect, it } from 'vitest';
import { crashTrial, type KillPoint } from '../../scripts/reliability/crash-points.js';

/**
 * Crash at every point, the CI subset (issue #8): nospace-recovery on the lab, talos-dr SIGKILLed
 * by its stand-in talosctl before a mutating command (intent journaled, nothing ran) and right
 * after one ran but before its result was recorded (mid-step), then resumed until it ends. Counted
 * from what the lab shim really executed. The first clean-run calls are stable: 17 is the first
 * defrag, 28 forfeit-leadership, 51 the alarm disarm (guarded by confirm-disarm).
 */
const POINTS: Array<KillPoint & { words: string }> = [
  { k: 17, when: 'after', words: 'etcd defrag' },
  { k: 28, when: 'before', words: 'etcd forfeit-leadership' },
  { k: 51, when: 'after', words: 'etcd alarm disarm' },
];

describe('crash at every point: nospace-recovery (CI subset)', () => {
  for (const p of POINTS) {
    it(`SIGKILL ${p.when} call ${p.k} (${p.words}): resumed to success, nothing run twice, log verifies`, async () => {
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
