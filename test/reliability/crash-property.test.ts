import fc from 'fast-check';
import { describe, expect, inject, it } from 'vitest';
import { runCase } from '../../scripts/reliability/crash-property.js';
import { attemptViolations, repeatViolations } from '../../scripts/reliability/crash-property-check.js';
import { cases } from '../../scripts/reliability/crash-property-gen.js';
import { lintRunbook } from '../../src/compile/lint.js';
import { parseParams } from '../../src/engine/params.js';
import { go, PARAMS, REMOVE_RUNBOOK } from '../engine/harness.js';
import { F_IDS, fakeState, fakeTalosctl } from '../helpers/fake-talosctl.js';

/**
 * Issue #14: generated runbooks × crash points × talosctl outcomes (scripts/reliability/
 * crash-property.ts). A few hundred cases here; `npm run test:reliability` (or
 * TALOS_DR_RELIABILITY=1, or CRASH_PROPERTY_CASES=n) runs 10 000 or more. The run's seed
 * (test/setup/global.ts, TALOS_DR_TEST_SEED) is in the title; fast-check prints the shrunk case.
 */
const seed = inject('tdrSeed');
const numRuns = Number(process.env.CRASH_PROPERTY_CASES ?? (process.env.TALOS_DR_RELIABILITY === '1' ? 10_000 : 250));

describe(`crash property: generated runbooks × crash points × talosctl outcomes (seed ${seed}, ${numRuns} cases)`, () => {
  it('no gated argv without a live recheck of its approval, no disruptive one without a live quorum check, none twice, logs verify', async () => {
    const seen = { gated: 0, disruptive: 0, unknown: 0, reapprovals: 0, voided: 0, exits: new Set<number>() };
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const o = await runCase(c);
        expect(o.valid, o.text).toBe(true);
        if (o.violations.length > 0) throw new Error(`${o.violations.join('\n')}\n${o.text}`);
        seen.gated += o.gatedCalls;
        seen.disruptive += o.disruptiveCalls;
        seen.unknown += o.unknownOutcomes;
        seen.reapprovals += o.reapprovals;
        seen.voided += o.voided;
        for (const e of o.exits) seen.exits.add(e);
      }),
      { seed, numRuns },
    );
    // the cases reach what the invariants are about (else the property would hold vacuously)
    expect(seen.gated).toBeGreaterThan(0);
    expect(seen.disruptive).toBeGreaterThan(0);
    expect(seen.unknown).toBeGreaterThan(0);
    expect(seen.reapprovals).toBeGreaterThan(0);
    expect(seen.voided).toBeGreaterThan(0);
    expect([...seen.exits].sort()).toEqual(expect.arrayContaining([0, 1, 3, 4]));
  }, 120_000);

  it('the invariants catch a recheck from an earlier process run, a wrong target and a second run', async () => {
    const { records } = await go({ fake: fakeTalosctl(fakeState()), approve: ['confirm-remove'] });
    const lint = lintRunbook(REMOVE_RUNBOOK, 'test.yaml');
    if (!lint.ok) throw new Error('lint');
    const params = parseParams(lint.runbook.params, PARAMS);
    const at = records.findIndex((r) => r.type === 'command-intent');
    const call = {
      node: '10.5.0.2',
      args: ['etcd', 'remove-member', F_IDS[2]],
      journalLength: at + 1,
      before: fakeState(),
      after: fakeState(),
      fault: undefined,
    };
    const attempt = { records, start: 0, calls: [call] };
    expect(attemptViolations(lint.runbook, params, attempt, 'run')).toEqual([]);
    expect(attemptViolations(lint.runbook, params, { ...attempt, start: at }, 'resume').join()).toMatch(
      /recheck .* is from an earlier process run/,
    );
    const forged = records.map((r) =>
      r.type === 'approval' ? { ...r, payload: { ...r.payload, target: '10.5.0.2' } } : r,
    );
    expect(attemptViolations(lint.runbook, params, { ...attempt, records: forged }, 'run').join()).toMatch(
      /the gate should have shown f3e2d1c0b9a89776/,
    );
    const intent = records[at];
    if (intent === undefined) throw new Error('no intent');
    expect(repeatViolations([...records, intent], new Set())).toHaveLength(1);
    expect(repeatViolations([...records, intent], new Set([at]))).toEqual([]);
  });
});
