import type { StepOf } from '../../runbook/model.js';
import { resolveArgs } from '../../runbook/refs.js';
import { type Build, must, scopeOf } from '../build.js';
import { addInvoking } from '../invoking.js';
import { act } from '../machine-config.js';
import { succeed } from '../transitions.js';

/** A read step: one observation (observe), its outputs stored as the step's capture. */
export function compileObserve(b: Build, step: StepOf<'read'>, next: string): void {
  const id = step.id;
  addInvoking(b, {
    step,
    role: 'observe',
    src: 'observe',
    input: ({ context }) => ({
      stepId: id,
      observation: step.observe,
      args: must(resolveArgs(step.with, scopeOf(context)), id),
      capture: step.capture,
    }),
    onDone: [succeed(step, next, [act('storeCapture', { name: step.capture })])],
    next,
    retry: step.retry,
  });
}
