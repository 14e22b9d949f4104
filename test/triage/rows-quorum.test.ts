import { describe, expect, it } from 'vitest';
import {
  leaderUnstable,
  losses,
  noAnswer,
  noLeader,
  partition,
  quorumLostEtcdDown,
  quorumLostMachinesDown,
  quorumLostUnseen,
} from '../../src/triage/rows-quorum.js';
import { fixturesDecidedBy, viewOfFixture } from './helpers.js';

/**
 * The quorum rows come first in the table: each alone over every fixture, and the safety line they
 * hold — a machine that only times out is never counted as lost for a destructive runbook.
 */

describe('the quorum rows, each alone over every fixture', () => {
  it.each([
    [noAnswer, ['derived-no-answer']],
    // with no answer at all every member only times out: this row would also say cannot tell
    [quorumLostUnseen, ['derived-no-answer', 'derived-quorum-lost-unseen']],
    [quorumLostMachinesDown, ['quorum-loss']],
    [quorumLostEtcdDown, ['lose-majority', 'quorum-loss']],
    [noLeader, ['derived-no-leader', 'lose-majority', 'quorum-loss']],
    [partition, ['derived-partition']],
    [leaderUnstable, ['derived-flap-leader']],
  ] as const)('%# decides on exactly its own states', async (row, expected) => {
    expect(await fixturesDecidedBy(row)).toEqual(expected);
  });
});

describe('what the quorum rows say', () => {
  it('quorum lost with machines off: restore with a snapshot placeholder, every voter counted', async () => {
    const { view, options } = await viewOfFixture('quorum-loss');
    const d = quorumLostMachinesDown.decide(view, options);
    expect(d?.params).toEqual({ nodes: '127.0.0.81,127.0.0.82,127.0.0.83', snapshot: '<snapshot file>', members: '3' });
    expect(d?.headline).toContain('127.0.0.82 and 127.0.0.83 are off');
  });

  it('losses: timeouts are lost but not positively lost', async () => {
    const unseen = await viewOfFixture('derived-quorum-lost-unseen');
    const l = losses(unseen.view);
    expect(l.all.length).toBeGreaterThanOrEqual(2);
    expect(l.all.every((m) => m.state === 'machine-timeout' || l.positive.includes(m))).toBe(true);
    expect(l.positive.some((m) => m.state === 'machine-timeout')).toBe(false);
    // and so no restore is named on that view
    expect(quorumLostEtcdDown.decide(unseen.view, unseen.options)).toBeUndefined();
    expect(quorumLostMachinesDown.decide(unseen.view, unseen.options)).toBeUndefined();
    const healthy = await viewOfFixture('healthy');
    expect(losses(healthy.view)).toEqual({ all: [], positive: [] });
  });

  it('no answer says what is missing and names every node', async () => {
    const { view, options } = await viewOfFixture('derived-no-answer');
    const d = noAnswer.decide(view, options);
    expect(d?.missing).toHaveLength(1);
    for (const n of view.nodes) expect(d?.missing?.[0]).toContain(n);
  });

  it('a partition names the member cut off', async () => {
    const { view, options } = await viewOfFixture('derived-partition');
    expect(partition.decide(view, options)?.subject).toEqual({ node: '127.0.0.83', member: 'f01967dd4c9d5919' });
  });
});
