import { describe, expect, it } from 'vitest';
import { labIndependentChecks } from '../../src/drill/lab-grade.js';
import { fakeLab } from '../helpers/lab-files.js';

/**
 * The drill's own verdict straight from etcd: a lab where no member answers must fail every
 * check, each saying what it could not read, never pass by default. Real etcdctl against
 * 127.0.0.124–126, where nothing listens (this suite's address range; no etcd is started). The
 * healthy and broken labs of the drills are the lab suite's (test/integration/scenarios/).
 */
describe('labIndependentChecks', () => {
  it('no member answering: every check fails, each with what it could not read', async () => {
    const { dir, lab } = fakeLab({ firstIp: '127.0.0.124' });
    const checks = await labIndependentChecks(dir, lab);
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['all members answer', false],
      ['one leader', false],
      ['no status errors', true],
      ['no alarm', false],
      ['member list whole', false],
      ['no learners', false],
    ]);
    const detail = Object.fromEntries(checks.map((c) => [c.name, c.detail]));
    expect(detail['all members answer']).toBe('no answer from 127.0.0.124, 127.0.0.125, 127.0.0.126');
    expect(detail['one leader']).toBe('members name 0 leaders: ');
    expect(detail['no alarm']).toMatch(/^alarm list failed: \S/);
    expect(detail['member list whole']).toMatch(/^member list failed: \S/);
  });
});
