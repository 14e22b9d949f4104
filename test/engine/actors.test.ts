import { describe, expect, it } from 'vitest';
import { ACTOR_NAMES } from '../../src/compile/contract.js';
import { makeActors } from '../../src/engine/actors.js';
import { noPrompter } from '../../src/engine/prompter.js';
import { runEffect, testEnv } from '../helpers/engine-env.js';

/** makeActors: every actor the executor contract names, each the real effect over the run's env and prompter. */
describe('makeActors', () => {
  const t = testEnv(
    '  - id: m\n    manual: { instructions: do it }\n  - id: ok\n    end: { outcome: success, message: ok }',
  );
  const actors = makeActors(t.env, noPrompter);

  it('provides exactly the actors a compiled machine invokes', () => {
    expect(Object.keys(actors).sort()).toEqual([...ACTOR_NAMES].sort());
  });

  it('awaitManual asks through the prompter given (nobody behind it: stopped)', async () => {
    const out = await runEffect(actors.awaitManual, { stepId: 'm', instructions: 'do it', prompt: 'Done?' });
    expect(out).toEqual({ done: false, stopped: true });
  });

  it('runTalosctl goes through the registry (an unknown argv is refused) and the env talosctl is not called', async () => {
    const out = await runEffect(actors.runTalosctl, {
      stepId: 'x',
      argv: ['etcd', 'frobnicate'],
      nodes: ['10.5.0.2'],
      effect: 'read',
      gate: false,
      quorum: false,
      timeoutMs: 1000,
      capture: undefined,
    });
    expect(out.ok).toBe(false);
    expect(t.talosctl.calls).toEqual([]);
  });

  it('recheckApproval with no approval never says unchanged', async () => {
    expect(await runEffect(actors.recheckApproval, { stepId: 'x', approval: undefined })).toMatchObject({
      unchanged: false,
    });
  });
});
