import type { StepOf } from '../../runbook/model.js';
import { resolveNodes } from '../../runbook/refs.js';
import { addState, type Build, CHECK_TIMEOUT_MS, must, scopeOf, stateMeta } from '../build.js';
import { act, to } from '../machine-config.js';
import { OUTCOME_STATES } from '../outcomes.js';

/**
 * The fresh quorum check right before a disruptive command, on live reads of every node the
 * runbook names (its node and nodes params) and the target: quorum-safe-to-disrupt. Anything
 * but a pass — a fail or "cannot tell" — stops the run before the command (exit 4).
 */
export function compileQuorum(
  b: Build,
  step: StepOf<'talosctl'>,
  mode: NonNullable<StepOf<'talosctl'>['quorum']>,
): void {
  const id = step.id;
  const nodeParams = Object.entries(b.runbook.params).filter(([, p]) => p.type === 'node' || p.type === 'nodes');
  b.delays[`${id}:quorum-timeout`] = CHECK_TIMEOUT_MS;
  const refuse = [{ target: to(OUTCOME_STATES['precondition-failed']), actions: [act('noteFailure', { stepId: id })] }];
  addState(b, {
    id: `${id}:quorum`,
    meta: stateMeta(step, 'quorum'),
    invoke: {
      src: 'evaluateCheck',
      input: ({ context }) => {
        const target = must(resolveNodes(step.target?.value ?? [], scopeOf(context)), id)[0] ?? '';
        const known = nodeParams.flatMap(([name]) => {
          const v = context.params[name];
          return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
        });
        return {
          stepId: `${id}:quorum`,
          check: 'quorum-safe-to-disrupt',
          args: { node: target, nodes: [...new Set([target, ...known])], mode },
          mode: 'precondition',
          poll: 0,
        };
      },
      onDone: [{ target: to(id), guard: 'verdictPass' }, ...refuse],
      onError: refuse,
    },
    after: { [`${id}:quorum-timeout`]: refuse },
  });
}
