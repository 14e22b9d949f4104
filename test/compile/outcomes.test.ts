import { describe, expect, it } from 'vitest';
import { startBuild } from '../../src/compile/build.js';
import type { RunContext, RunOutput } from '../../src/compile/contract.js';
import { addOutcomeStates, OUTCOME_STATES } from '../../src/compile/outcomes.js';
import { builtin } from '../helpers/runbook-doc.js';

const context = (lastFailure?: { stepId: string; reason: string }) => ({ lastFailure }) as unknown as RunContext;

describe('addOutcomeStates', () => {
  const b = startBuild(builtin('rolling-defrag'));
  addOutcomeStates(b);

  it('adds one final state per outcome, keyed apart from step ids', () => {
    expect(Object.keys(b.states).sort()).toEqual(Object.values(OUTCOME_STATES).sort());
    for (const [outcome, key] of Object.entries(OUTCOME_STATES)) {
      expect(key).toBe(`@${outcome}`);
      expect(b.states[key]).toMatchObject({ id: key, type: 'final', meta: { role: 'outcome', stepId: undefined } });
    }
  });

  it('success names no failure; every other outcome names the last one noted', () => {
    expect(b.states['@success']?.output).toEqual({ outcome: 'success', stepId: undefined, message: undefined });
    const failed = b.states['@failed']?.output as (a: { context: RunContext }) => RunOutput;
    expect(failed({ context: context({ stepId: 'defrag-follower', reason: 'exit 1' }) })).toEqual({
      outcome: 'failed',
      stepId: 'defrag-follower',
      message: 'exit 1',
    });
    const stopped = b.states['@stopped-at-gate']?.output as (a: { context: RunContext }) => RunOutput;
    expect(stopped({ context: context() })).toEqual({
      outcome: 'stopped-at-gate',
      stepId: undefined,
      message: undefined,
    });
  });
});
