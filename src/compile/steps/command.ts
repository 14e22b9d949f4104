import { captureTypes } from '../../runbook/captures.js';
import { isRef, type StepOf } from '../../runbook/model.js';
import { resolveArgv, resolveNodes, typeOfRef } from '../../runbook/refs.js';
import { addState, type Build, must, scopeOf, stateMeta } from '../build.js';
import { addInvoking } from '../invoking.js';
import { act, to } from '../machine-config.js';
import { OUTCOME_STATES } from '../outcomes.js';
import { succeed } from '../transitions.js';
import { compileQuorum } from './quorum.js';
import { compileUnknown } from './unknown-outcome.js';

/**
 * A talosctl step: the command state (runTalosctl), and before it, as the step needs them, the
 * recheck of its approval (a gated step) and its fresh quorum check (a disruptive one). A
 * change whose outcome may be unknown also gets the states that settle it (unknown-outcome.ts).
 */
export function compileCommand(b: Build, step: StepOf<'talosctl'>, next: string): void {
  const id = step.id;
  const scope = b.scopes.get(id);
  const argvTypes = step.argv.map((a) => (isRef(a) && scope ? typeOfRef(a.ref, scope) : undefined));
  const fields = captureTypes(step);
  const capture = step.capture !== undefined && fields !== undefined ? { name: step.capture, fields } : undefined;
  const extra = [
    ...(capture ? [act('storeCapture', { name: capture.name })] : []),
    ...(step.gate ? [act('consumeApproval')] : []),
  ];
  // a read or a local write is journaled without an intent: after a crash it simply runs again
  const unknownTo = step.effect === 'read' || step.effect === 'local-write' ? undefined : compileUnknown(b, step, next);
  addInvoking(b, {
    step,
    role: 'command',
    src: 'runTalosctl',
    input: ({ context }) => ({
      stepId: id,
      argv: must(resolveArgv(step.argv, argvTypes, scopeOf(context)), id),
      nodes: must(resolveNodes(step.target?.value ?? [], scopeOf(context)), id),
      effect: step.effect,
      gate: step.gate,
      quorum: step.quorum !== undefined,
      timeoutMs: step.timeoutMs,
      capture,
    }),
    onDone: [
      { ...succeed(step, next, extra), guard: 'ok' },
      ...(unknownTo === undefined ? [] : [{ target: to(unknownTo), guard: 'outcomeUnknown' }]),
    ],
    next,
    retry: step.retry,
    // a gated command cut short by its timeout may have run: its outcome is unknown
    onTimeout: step.gate && unknownTo !== undefined ? [{ target: to(unknownTo) }] : undefined,
  });
  if (step.quorum !== undefined) compileQuorum(b, step, step.quorum);
  if (step.gate) addRecheck(b, step);
}

/** Right before a gated command: is the cluster still the one the operator approved? */
function addRecheck(b: Build, step: StepOf<'talosctl'>): void {
  const id = step.id;
  addState(b, {
    id: `${id}:recheck`,
    meta: stateMeta(step, 'recheck'),
    invoke: {
      src: 'recheckApproval',
      input: ({ context }) => ({ stepId: id, approval: context.approval }),
      onDone: [
        { target: to(step.quorum !== undefined ? `${id}:quorum` : id), guard: 'unchanged' },
        { target: to(OUTCOME_STATES['approval-stale']), actions: [act('noteFailure', { stepId: id })] },
      ],
      onError: [{ target: to(OUTCOME_STATES.failed), actions: [act('noteFailure', { stepId: id })] }],
    },
  });
}
