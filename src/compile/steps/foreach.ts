import type { Step, StepOf } from '../../runbook/model.js';
import { resolveNodes } from '../../runbook/refs.js';
import { addState, type Build, entryOf, must, scopeOf, stateMeta } from '../build.js';
import type { RunContext } from '../contract.js';
import { act, type Transition, to } from '../machine-config.js';

/** Compiles a list of steps, each going on to the next and the last to `after`. */
export type CompileList = (b: Build, list: readonly Step[], after: string) => void;

/**
 * A foreach step: the loop head binds the variable to the first node and enters the body, whose
 * last step goes to `:next`, which binds the next node; either leaves the loop when no node is
 * left. The nodes are resolved once, when the loop is entered.
 */
export function compileForeach(b: Build, step: StepOf<'foreach'>, next: string, compileList: CompileList): void {
  const id = step.id;
  const first = step.steps[0];
  const loopParams = { loopId: id, as: step.as };
  const branch: Transition[] = [
    {
      target: to(first === undefined ? next : entryOf(b, first.id)),
      guard: { type: 'loopHasItem', params: { loopId: id } },
    },
    { target: to(next) },
  ];
  addState(b, {
    id,
    meta: stateMeta(step, 'loop'),
    entry: [
      {
        type: 'startLoop',
        params: ({ context }: { context: RunContext }) => ({
          ...loopParams,
          items: must(resolveNodes(step.in, scopeOf(context)), id),
        }),
      },
    ],
    always: branch,
  });
  addState(b, {
    id: `${id}:next`,
    meta: stateMeta(step, 'loop-next'),
    entry: [act('advanceLoop', loopParams)],
    always: branch,
  });
  compileList(b, step.steps, `${id}:next`);
}
