import { describe, expect, it } from 'vitest';
import { checkOnce } from '../../../src/engine/effects/check-once.js';
import { testEnv } from '../../helpers/engine-env.js';
import { F_IDS, F_NODES } from '../../helpers/fake-talosctl.js';

/**
 * checkOnce: one live evaluation of a catalog check, journaled as a `check` record under the step
 * with what `log replay` needs: the args, the verdict, the evidence refs, the poll state it was
 * given (prev), and for snapshot-verified the file facts no command-result holds.
 */
const STEPS = '  - id: ok\n    end: { outcome: success, message: ok }';
const signal = new AbortController().signal;

describe('checkOnce', () => {
  it('a pass, journaled with its args, summary and the refs of the reads it used', async () => {
    const t = testEnv(STEPS);
    const { verdict, record } = await checkOnce(t.env, 'w', 'leader-elected', { nodes: [...F_NODES] }, signal);
    expect(verdict.verdict).toBe('pass');
    expect(record.payload).toMatchObject({
      step: 'w',
      name: 'leader-elected',
      args: { nodes: [...F_NODES] },
      verdict: 'pass',
      summary: `leader ${F_IDS[0]} on ${F_NODES[0]}, agreed by ${F_NODES[0]}, ${F_NODES[1]} and ${F_NODES[2]}`,
    });
    const refs = t.records().flatMap((r) => (r.type === 'command-result' ? [r.payload.ref] : []));
    expect(record.payload.evidence).toEqual(refs);
    // the reads are journaled under the same step
    expect(new Set(t.records().map((r) => (r.payload as { step: string }).step))).toEqual(new Set(['w']));
    expect(record.payload).not.toHaveProperty('prevState');
    expect(record.payload).not.toHaveProperty('snapshot');
  });

  it('a fail when no member knows a leader', async () => {
    const t = testEnv(STEPS);
    t.talosctl.state.leader = '0000000000000000';
    const { verdict, record } = await checkOnce(t.env, 'w', 'leader-elected', { nodes: [...F_NODES] }, signal);
    expect(verdict.verdict).toBe('fail');
    expect(record.payload.verdict).toBe('fail');
  });

  it('the poll state it was given is recorded as prevState', async () => {
    const t = testEnv(STEPS);
    const { record } = await checkOnce(t.env, 'w', 'leader-elected', { nodes: [...F_NODES] }, signal, { streak: 2 });
    expect(record.payload.prevState).toEqual({ streak: 2 });
  });

  it('snapshot-verified: the file facts are recorded (a missing file: no stat, no status)', async () => {
    const t = testEnv(STEPS);
    const { verdict, record } = await checkOnce(t.env, 's', 'snapshot-verified', { path: '/nonexistent/x.db' }, signal);
    expect(verdict.verdict).toBe('fail');
    expect(record.payload.snapshot).toEqual({ path: '/nonexistent/x.db', stat: null, status: null });
    expect(record.payload.summary).toBe('snapshot file /nonexistent/x.db does not exist');
  });
});
