import { describe, expect, it } from 'vitest';
import { createActor, fromPromise, toPromise } from 'xstate';
import type { StateConfig } from '../../src/compile/machine-config.js';
import { makeMachine, PLACEHOLDER_ACTORS } from '../../src/compile/make-machine.js';
import { OUTCOME_STATES } from '../../src/compile/outcomes.js';
import { compileText } from '../helpers/drive-machine.js';

/**
 * makeMachine: the generated states under one setup — actors that fail loudly until provided,
 * the shared guards and context updates, the context built from the input params, `run.abort`
 * from anywhere to the aborted outcome, and the machine's output taken from its final state.
 */
const meta = { stepId: 'x', role: 'command' as const, effect: undefined };
const outcome = (id: string, output: unknown): StateConfig => ({ id, meta, type: 'final', output: output as never });
/** the aborted outcome every machine's run.abort targets */
const aborted = { '@aborted': outcome('@aborted', { outcome: 'aborted', stepId: undefined, message: undefined }) };

describe('makeMachine', () => {
  it('starts in the initial state with a fresh context holding the input params', () => {
    const m = makeMachine(
      {
        a: { id: 'a', meta, after: { wait: [{ target: '#done' }] } },
        done: outcome('done', { outcome: 'success', stepId: 'done', message: 'm' }),
        ...aborted,
      },
      { wait: 1000 },
      'a',
    );
    const actor = createActor(m, { input: { params: { nodes: ['10.0.0.1'] } } }).start();
    expect(actor.getSnapshot().value).toBe('a');
    expect(actor.getSnapshot().context).toEqual({
      params: { nodes: ['10.0.0.1'] },
      captures: {},
      vars: {},
      loops: {},
      attempts: {},
      lastFailure: undefined,
      approval: undefined,
    });
    actor.stop();
  });

  it('run.abort from any state: the aborted outcome, with the reason the event gives', async () => {
    const { compiled } = compileText(
      `  - id: w\n    wait: { check: leader-elected, with: { nodes: { ref: params.nodes } }, timeout: 1h }\n  - id: ok\n    end: { outcome: success, message: ok }`,
    );
    const m = compiled.machine.provide({
      actors: { evaluateCheck: fromPromise(() => new Promise(() => undefined)) },
    });
    const actor = createActor(m, { input: { params: { nodes: ['10.0.0.1'] } } }).start();
    actor.send({ type: 'run.abort', reason: 'interrupted by the operator (Ctrl-C)' });
    await expect(toPromise(actor)).resolves.toEqual({
      outcome: 'aborted',
      stepId: '',
      message: 'interrupted by the operator (Ctrl-C)',
    });
    expect(actor.getSnapshot().value).toBe(OUTCOME_STATES.aborted);
  });

  it('an effect not provided fails loudly, naming it and how to provide it', async () => {
    await expect((PLACEHOLDER_ACTORS.runTalosctl.config as () => Promise<never>)()).rejects.toThrow(
      'actor "runTalosctl" was not provided: use machine.provide({ actors: { runTalosctl } })',
    );
    const { compiled } = compileText(
      `  - id: st\n    talosctl: [etcd, status]\n    nodes: { ref: params.nodes }\n  - id: ok\n    end: { outcome: success, message: ok }`,
    );
    // unprovided, the read step's actor errs: the step fails (it never counts as done)
    const actor = createActor(compiled.machine, { input: { params: { nodes: ['10.0.0.1'] } } }).start();
    const out = await toPromise(actor);
    expect(out).toEqual({
      outcome: 'failed',
      stepId: 'st',
      message: expect.stringContaining('actor "runTalosctl" was not provided'),
    });
  });

  it('every actor, guard and context update the compiled states name is set up', () => {
    const m = makeMachine({ done: outcome('done', {}), ...aborted }, {}, 'done');
    expect(Object.keys(m.implementations.actors).sort()).toEqual(
      ['askApproval', 'awaitManual', 'evaluateCheck', 'observe', 'recheckApproval', 'runTalosctl'].sort(),
    );
    expect(Object.keys(m.implementations.actions).sort()).toEqual(
      [
        'advanceLoop',
        'consumeApproval',
        'countAttempt',
        'noteAbort',
        'noteFailure',
        'resetAttempts',
        'startLoop',
        'storeApproval',
        'storeCapture',
      ].sort(),
    );
    expect(Object.keys(m.implementations.guards)).toContain('verdictPass');
  });

  it('the output is the final state output', async () => {
    const m = makeMachine(
      { done: outcome('done', { outcome: 'declined', stepId: 'c', message: 'no' }), ...aborted },
      {},
      'done',
    );
    const actor = createActor(m, { input: { params: {} } }).start();
    await expect(toPromise(actor)).resolves.toEqual({ outcome: 'declined', stepId: 'c', message: 'no' });
  });
});
