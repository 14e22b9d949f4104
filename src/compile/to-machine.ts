import { type AnyEventObject, assign, setup } from 'xstate';
import { backoffDelay, pollBackoff, retryBackoff } from '../runbook/backoff.js';
import { captureTypes } from '../runbook/captures.js';
import {
  END,
  failureTarget,
  guardedSteps,
  indexSteps,
  type StepInfo,
  type TokenSource,
  tokenSource,
} from '../runbook/flow.js';
import {
  isRef,
  type PollingStep,
  type PollPolicy,
  type Runbook,
  type Step,
  type StepOf,
  type ValueOrRef,
} from '../runbook/model.js';
import { DEFAULTS } from '../runbook/normalize.js';
import type { Checked } from '../runbook/params.js';
import { resolveArgs, resolveArgv, resolveNodes, resolveValue, type Scope, typeOfRef } from '../runbook/refs.js';
import { staticScopes } from '../runbook/scopes.js';
import type {
  ApprovalToken,
  MachineInput,
  RunContext,
  RunEvent,
  RunOutcome,
  RunOutput,
  StateMeta,
} from './contract.js';
import { ASSIGNERS as A, GUARDS, PLACEHOLDER_ACTORS } from './machine-parts.js';

/** How long the quorum check before a disruptive command may take (a check's default). */
const DEFAULT_CHECK_TIMEOUT_MS = 30_000;

/**
 * Runbook → xstate v5 machine. Every step becomes named states; retries, polling, timeouts,
 * loops, branches and failure policies are states and transitions (`after` on the actor's
 * clock), never logic inside actors. State ids are the step ids (plus `:recheck`, `:retry`,
 * `:poll`, `:sleep`, `:next`) so the journal and resume can name them.
 */

type Action = { type: string; params?: unknown };
type Transition = { target: string; guard?: { type: string; params?: unknown } | string; actions?: Action[] };
interface StateConfig {
  id: string;
  meta: StateMeta;
  type?: 'final';
  initial?: string;
  states?: Record<string, StateConfig>;
  entry?: Action[];
  invoke?: { src: string; input: (a: { context: RunContext }) => unknown; onDone: Transition[]; onError: Transition[] };
  after?: Record<string, Transition[]>;
  always?: Transition[];
  output?: RunOutput | ((a: { context: RunContext }) => RunOutput);
}
type Delay = number | ((a: { context: RunContext }) => number);

export const OUTCOME_STATES: Record<RunOutcome, string> = {
  success: '@success',
  failed: '@failed',
  aborted: '@aborted',
  'precondition-failed': '@precondition-failed',
  declined: '@declined',
  'approval-stale': '@approval-stale',
  'stopped-at-gate': '@stopped-at-gate',
};

const scopeOf = (c: RunContext): Scope => ({ params: c.params, captures: c.captures, vars: c.vars });
function must<T>(r: Checked<T>, stepId: string): T {
  if (!r.ok) throw new Error(`step "${stepId}": ${r.reason}`);
  return r.value;
}
const t = (key: string): string => `#${key}`;
const act = (type: string, params?: unknown): Action => (params === undefined ? { type } : { type, params });

function makeMachine(states: Record<string, StateConfig>, delays: Record<string, Delay>, initial: string) {
  const s = setup({
    types: {
      context: {} as RunContext,
      input: {} as MachineInput,
      output: {} as RunOutput,
      events: {} as RunEvent | AnyEventObject,
    },
    actors: PLACEHOLDER_ACTORS,
    guards: GUARDS,
    actions: {
      storeCapture: assign(A.storeCapture),
      noteFailure: assign(A.noteFailure),
      countAttempt: assign(A.countAttempt),
      resetAttempts: assign(A.resetAttempts),
      storeApproval: assign(A.storeApproval),
      consumeApproval: assign(A.consumeApproval),
      startLoop: assign(A.startLoop),
      advanceLoop: assign(A.advanceLoop),
      noteAbort: assign(A.noteAbort),
    },
    delays: delays as Record<string, number>,
  });
  const config = {
    id: 'runbook',
    initial,
    context: ({ input }: { input: MachineInput }): RunContext => ({
      params: input.params,
      captures: {},
      vars: {},
      loops: {},
      attempts: {},
      lastFailure: undefined,
      approval: undefined,
    }),
    on: { 'run.abort': { target: t(OUTCOME_STATES.aborted), actions: [act('noteAbort')] } },
    output: ({ event }: { event: AnyEventObject }): RunOutput => (event as unknown as { output: RunOutput }).output,
    states,
  };
  // The config is generated, so its literal types cannot be inferred; setup() still checks
  // every named actor, guard and action at run time.
  return s.createMachine(config as unknown as Parameters<typeof s.createMachine>[0]);
}

export type RunbookMachine = ReturnType<typeof makeMachine>;

export interface CompiledRunbook {
  machine: RunbookMachine;
  /** every state id → its step and role (also in each state's meta) */
  states: Record<string, StateMeta>;
  initial: string;
}

/** Compiles a validated, normalized runbook. Throws only on a runbook that did not pass lint. */
export function compileRunbook(runbook: Runbook): CompiledRunbook {
  const index = indexSteps(runbook);
  const scopes = staticScopes(runbook, index);
  const states: Record<string, StateConfig> = {};
  const delays: Record<string, Delay> = {};
  const metas: Record<string, StateMeta> = {};
  const info = (id: string): StepInfo => {
    const i = index.get(id);
    if (i === undefined) throw new Error(`unknown step "${id}"`);
    return i;
  };
  // an irreversible (or gated) command is entered through its recheck, a disruptive one through
  // its quorum check: recheck → quorum → command
  const entryOf = (id: string): string => {
    const step = info(id).step;
    if (step.kind !== 'talosctl') return id;
    return step.gate ? `${id}:recheck` : step.quorum !== undefined ? `${id}:quorum` : id;
  };
  const add = (parent: Record<string, StateConfig>, cfg: StateConfig): void => {
    parent[cfg.id] = cfg;
    metas[cfg.id] = cfg.meta;
  };
  const meta = (step: Step | undefined, role: StateMeta['role']): StateMeta => ({
    stepId: step?.id,
    role,
    effect: step?.kind === 'talosctl' ? step.effect : undefined,
    ...(step?.kind === 'talosctl' && role === 'command' ? { gate: step.gate, quorum: step.quorum !== undefined } : {}),
  });

  const failTo = (step: Step & { onFailure: Parameters<typeof failureTarget>[0] }, next: string): string => {
    const target = failureTarget(step.onFailure, next);
    if (target !== END) return target === next ? next : entryOf(target);
    return step.kind === 'precondition' ? OUTCOME_STATES['precondition-failed'] : OUTCOME_STATES.failed;
  };
  const failures = (
    step: Step & { onFailure: Parameters<typeof failureTarget>[0] },
    next: string,
    attempts: number,
  ): Transition[] => [
    ...(attempts > 1
      ? [
          {
            target: t(`${step.id}:retry`),
            guard: { type: 'canRetry', params: { stepId: step.id, attempts } },
            actions: [act('noteFailure', { stepId: step.id }), act('countAttempt', { stepId: step.id })],
          },
        ]
      : []),
    {
      target: t(failTo(step, next)),
      actions: [act('noteFailure', { stepId: step.id }), act('resetAttempts', { stepId: step.id })],
    },
  ];

  const invoking = (
    step: Step & { onFailure: Parameters<typeof failureTarget>[0]; timeoutMs: number },
    role: StateMeta['role'],
    src: string,
    input: StateConfig['invoke'] extends infer I ? (I extends { input: infer F } ? F : never) : never,
    onDone: Transition[],
    next: string,
    attempts: number,
    onTimeout?: Transition[],
  ): void => {
    const fail = failures(step, next, attempts);
    // a read's calls each end at timeoutMs (the adapter kills them): the step waits for them
    const read = step.kind === 'talosctl' && (step as StepOf<'talosctl'>).effect === 'read';
    delays[`${step.id}:timeout`] = step.timeoutMs + (read ? DEFAULTS.readSettleMs : 0);
    add(states, {
      id: step.id,
      meta: meta(step, role),
      invoke: { src, input, onDone: [...onDone, ...fail], onError: fail },
      after: { [`${step.id}:timeout`]: onTimeout ?? fail },
    });
    if (attempts > 1) {
      const { retry } = step as StepOf<'talosctl'>;
      const schedule = retryBackoff(retry);
      delays[`${step.id}:backoff`] = ({ context }) => backoffDelay(schedule, context.attempts[step.id] ?? 1);
      add(states, {
        id: `${step.id}:retry`,
        meta: meta(step, 'retry'),
        after: { [`${step.id}:backoff`]: [{ target: t(entryOf(step.id)) }] },
      });
    }
  };
  const ok = (step: Step, next: string, extra: Action[] = []): Transition => ({
    target: t(next),
    actions: [act('resetAttempts', { stepId: step.id }), ...extra],
  });

  const compileStep = (step: Step, next: string): void => {
    const id = step.id;
    switch (step.kind) {
      case 'talosctl': {
        const scope = scopes.get(id);
        const argvTypes = step.argv.map((a) => (isRef(a) && scope ? typeOfRef(a.ref, scope) : undefined));
        const fields = captureTypes(step);
        const capture = step.capture !== undefined && fields !== undefined ? { name: step.capture, fields } : undefined;
        const extra = [
          ...(capture ? [act('storeCapture', { name: capture.name })] : []),
          ...(step.gate ? [act('consumeApproval')] : []),
        ];
        // a read or a local write is journaled without an intent: after a crash it simply runs again
        const unknownTo =
          step.effect === 'read' || step.effect === 'local-write' ? undefined : compileUnknown(step, next);
        invoking(
          step,
          'command',
          'runTalosctl',
          ({ context }) => ({
            stepId: id,
            argv: must(resolveArgv(step.argv, argvTypes, scopeOf(context)), id),
            nodes: must(resolveNodes(step.target?.value ?? [], scopeOf(context)), id),
            effect: step.effect,
            gate: step.gate,
            quorum: step.quorum !== undefined,
            timeoutMs: step.timeoutMs,
            capture,
          }),
          [
            { ...ok(step, next, extra), guard: 'ok' },
            ...(unknownTo === undefined ? [] : [{ target: t(unknownTo), guard: 'outcomeUnknown' }]),
          ],
          next,
          step.retry.attempts,
          // a gated command cut short by its timeout may have run: its outcome is unknown
          step.gate && unknownTo !== undefined ? [{ target: t(unknownTo) }] : undefined,
        );
        if (step.quorum !== undefined) compileQuorum(step, step.quorum);
        if (step.gate) {
          add(states, {
            id: `${id}:recheck`,
            meta: meta(step, 'recheck'),
            invoke: {
              src: 'recheckApproval',
              input: ({ context }) => ({ stepId: id, approval: context.approval }),
              onDone: [
                { target: t(step.quorum !== undefined ? `${id}:quorum` : id), guard: 'unchanged' },
                { target: t(OUTCOME_STATES['approval-stale']), actions: [act('noteFailure', { stepId: id })] },
              ],
              onError: [{ target: t(OUTCOME_STATES.failed), actions: [act('noteFailure', { stepId: id })] }],
            },
          });
        }
        return;
      }
      case 'read':
        invoking(
          step,
          'observe',
          'observe',
          ({ context }) => ({
            stepId: id,
            observation: step.observe,
            args: must(resolveArgs(step.with, scopeOf(context)), id),
            capture: step.capture,
          }),
          [ok(step, next, [act('storeCapture', { name: step.capture })])],
          next,
          step.retry.attempts,
        );
        return;
      case 'precondition':
      case 'choice':
      case 'wait':
      case 'postcondition': {
        const mode = step.kind;
        const input = ({ context }: { context: RunContext }) => ({
          stepId: id,
          check: step.check,
          args: must(resolveArgs(step.with, scopeOf(context)), id),
          mode,
          poll: context.attempts[id] ?? 0,
        });
        if ((step.kind === 'wait' || step.kind === 'postcondition') && step.poll !== undefined) {
          compileWait(step, step.poll, input, next);
          return;
        }
        // 'unknown' takes no branch: a choice falls through to its failure transitions (onFailure),
        // a precondition stops with precondition-failed once its retries are spent, whatever its onFailure
        const attempts = step.kind === 'precondition' ? step.retry.attempts : 1;
        const onDone: Transition[] =
          step.kind === 'choice'
            ? [
                { ...ok(step, step.ifPass === undefined ? next : entryOf(step.ifPass)), guard: 'verdictPass' },
                { ...ok(step, step.ifFail === undefined ? next : entryOf(step.ifFail)), guard: 'verdictFail' },
              ]
            : step.kind === 'precondition'
              ? [
                  { ...ok(step, next), guard: 'verdictPass' },
                  {
                    target: t(OUTCOME_STATES['precondition-failed']),
                    guard: { type: 'verdictUnknownFinal', params: { stepId: id, attempts } },
                    actions: [act('noteFailure', { stepId: id }), act('resetAttempts', { stepId: id })],
                  },
                ]
              : [{ ...ok(step, next), guard: 'verdictPass' }];
        invoking(step, 'check', 'evaluateCheck', input, onDone, next, attempts);
        return;
      }
      case 'confirm':
        compileConfirm(step, next);
        return;
      case 'manual':
        add(states, {
          id,
          meta: meta(step, 'manual'),
          invoke: {
            src: 'awaitManual',
            input: () => ({ stepId: id, instructions: step.instructions, prompt: step.prompt }),
            onDone: [
              { target: t(next), guard: 'manualDone' },
              {
                target: t(OUTCOME_STATES['stopped-at-gate']),
                guard: 'stopped',
                actions: [act('noteFailure', { stepId: id, reason: 'no terminal to confirm the manual step' })],
              },
              {
                target: t(OUTCOME_STATES.aborted),
                actions: [act('noteFailure', { stepId: id, reason: 'the operator did not finish the manual step' })],
              },
            ],
            onError: [{ target: t(OUTCOME_STATES.failed), actions: [act('noteFailure', { stepId: id })] }],
          },
        });
        return;
      case 'foreach': {
        const first = step.steps[0];
        const loopParams = { loopId: id, as: step.as };
        const branch: Transition[] = [
          {
            target: t(first === undefined ? next : entryOf(first.id)),
            guard: { type: 'loopHasItem', params: { loopId: id } },
          },
          { target: t(next) },
        ];
        add(states, {
          id,
          meta: meta(step, 'loop'),
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
        add(states, {
          id: `${id}:next`,
          meta: meta(step, 'loop-next'),
          entry: [act('advanceLoop', loopParams)],
          always: branch,
        });
        compileList(step.steps, `${id}:next`);
        return;
      }
      case 'end':
        add(states, {
          id,
          meta: meta(step, 'end'),
          type: 'final',
          output: { outcome: step.outcome, stepId: id, message: step.message },
        });
        return;
    }
  };

  /**
   * The fresh quorum check right before a disruptive command, on live reads of every node the
   * runbook names (its node and nodes params) and the target: quorum-safe-to-disrupt. Anything
   * but a pass — a fail or "cannot tell" — stops the run before the command (exit 4).
   */
  const compileQuorum = (step: StepOf<'talosctl'>, mode: NonNullable<StepOf<'talosctl'>['quorum']>): void => {
    const id = step.id;
    const nodeParams = Object.entries(runbook.params).filter(([, p]) => p.type === 'node' || p.type === 'nodes');
    delays[`${id}:quorum-timeout`] = DEFAULT_CHECK_TIMEOUT_MS;
    const refuse = [
      { target: t(OUTCOME_STATES['precondition-failed']), actions: [act('noteFailure', { stepId: id })] },
    ];
    add(states, {
      id: `${id}:quorum`,
      meta: meta(step, 'quorum'),
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
        onDone: [{ target: t(id), guard: 'verdictPass' }, ...refuse],
        onError: refuse,
      },
      after: { [`${id}:quorum-timeout`]: refuse },
    });
  };

  const compileWait = (
    step: PollingStep,
    poll: PollPolicy,
    input: (a: { context: RunContext }) => unknown,
    next: string,
  ): void => {
    const id = step.id;
    delays[`${id}:timeout`] = poll.timeoutMs;
    const schedule = pollBackoff(poll);
    delays[`${id}:interval`] = ({ context }) => backoffDelay(schedule, context.attempts[id] ?? 1);
    const sleep = `${id}:sleep`;
    const children: Record<string, StateConfig> = {};
    const note = act('noteFailure', { stepId: id });
    const fail = failures(step, next, 1).map((f) => ({
      ...f,
      actions: [act('noteFailure', { stepId: id, timeoutMs: poll.timeoutMs }), act('resetAttempts', { stepId: id })],
    }));
    // on resume, a loop the recorded run left by its timeout leaves here too (its polls ran out)
    const exhausted = fail.map((f) => ({
      ...f,
      guard: 'pollsExhausted',
      actions: [
        act('noteFailure', { stepId: id, reason: `timed out after ${poll.timeoutMs / 1000}s (as recorded)` }),
        act('resetAttempts', { stepId: id }),
      ],
    }));
    add(children, {
      id: `${id}:poll`,
      meta: meta(step, 'poll'),
      invoke: {
        src: 'evaluateCheck',
        input,
        onDone: [...exhausted, { ...ok(step, next), guard: 'verdictPass' }, { target: t(sleep), actions: [note] }],
        onError: [{ target: t(sleep), actions: [note] }],
      },
    });
    add(children, {
      id: sleep,
      meta: meta(step, 'sleep'),
      entry: [act('countAttempt', { stepId: id })],
      after: { [`${id}:interval`]: [{ target: t(`${id}:poll`) }] },
    });
    add(states, {
      id,
      meta: meta(step, 'wait'),
      initial: `${id}:poll`,
      states: children,
      after: { [`${id}:timeout`]: fail },
    });
  };

  const compileConfirm = (step: StepOf<'confirm'>, next: string): void => {
    const guarded = guardedSteps(step.id, index);
    const source = tokenSource(
      step.token === undefined ? undefined : { value: step.token, at: step.id },
      guarded,
      index,
      scopes,
    );
    const tokenAt = tokenResolver(source);
    add(states, {
      id: step.id,
      meta: meta(step, 'confirm'),
      invoke: {
        src: 'askApproval',
        input: ({ context }) => ({
          stepId: step.id,
          prompt: step.prompt,
          token: tokenAt(context),
          guards: guarded.map((g) => g.id),
        }),
        onDone: [
          {
            target: t(next),
            guard: 'approved',
            actions: [
              {
                type: 'storeApproval',
                params: ({ context }: { context: RunContext }) => ({ stepId: step.id, token: tokenAt(context) }),
              },
            ],
          },
          ...notApproved(step.id),
        ],
        onError: [{ target: t(OUTCOME_STATES.failed), actions: [act('noteFailure', { stepId: step.id })] }],
      },
    });
  };

  /** A gate's answer other than an approval: nobody could answer (stopped, exit 3), or no. */
  const notApproved = (stepId: string): Transition[] => [
    {
      target: t(OUTCOME_STATES['stopped-at-gate']),
      guard: 'stopped',
      actions: [act('noteFailure', { stepId, reason: 'no approval in a non-interactive run' })],
    },
    {
      target: t(OUTCOME_STATES.declined),
      actions: [act('noteFailure', { stepId, reason: 'declined by the operator' })],
    },
  ];

  /**
   * A change whose outcome is unknown — its intent is in the log without a result (a crash), or
   * its call was cut short — is settled by machine states, never by an effect on its own:
   * `:reobserve` asks the step's done: check (else the check right after it), and when that does
   * not show the change took effect, a gated step needs `:reapprove` — a fresh approval of the
   * step itself — before its recheck, quorum check and command; an ungated one runs again.
   */
  const compileUnknown = (step: StepOf<'talosctl'>, next: string): string => {
    const id = step.id;
    const again = step.gate ? `${id}:reapprove` : entryOf(id);
    const done = step.done ?? followingCheck(step);
    // a fresh approval only where a path leads to it (otherwise: fail never runs it again)
    if (step.gate && step.done?.otherwise !== 'fail') compileReapprove(step, done?.check);
    if (done === undefined) return again;
    const notDone: Transition[] =
      step.done?.otherwise === 'fail'
        ? [
            {
              target: t(failTo(step, next)),
              actions: [
                act('noteFailure', {
                  stepId: id,
                  reason: `outcome unknown and ${done.check} does not show it took effect`,
                }),
                act('resetAttempts', { stepId: id }),
              ],
            },
          ]
        : [{ target: t(again), actions: [act('noteFailure', { stepId: id })] }];
    // args that cannot be resolved yet (a capture of this very step) make the check say
    // "cannot tell": the change is then treated as not shown, never as done
    const input = ({ context }: { context: RunContext }) => ({
      stepId: `${id}:reobserve`,
      check: done.check,
      args: ((r) => (r.ok ? r.value : {}))(resolveArgs(done.with, scopeOf(context))),
      mode: 'wait' as const,
      poll: context.attempts[`${id}:reobserve`] ?? 0,
    });
    const passed = { ...ok(step, next, step.gate ? [act('consumeApproval')] : []), guard: 'verdictPass' };
    const reobserve = `${id}:reobserve`;
    if (done.poll === undefined) {
      delays[`${reobserve}:timeout`] = DEFAULT_CHECK_TIMEOUT_MS;
      add(states, {
        id: reobserve,
        meta: meta(step, 'reobserve'),
        invoke: { src: 'evaluateCheck', input, onDone: [passed, ...notDone], onError: notDone },
        after: { [`${reobserve}:timeout`]: notDone },
      });
      return reobserve;
    }
    const poll = done.poll;
    delays[`${reobserve}:timeout`] = poll.timeoutMs;
    const schedule = pollBackoff(poll);
    delays[`${reobserve}:interval`] = ({ context }) => backoffDelay(schedule, context.attempts[reobserve] ?? 1);
    const children: Record<string, StateConfig> = {};
    const timedOut: Transition[] = notDone.map((n) => ({
      ...n,
      // the timeout keeps the last poll's words (noteFailure on the poll) for the gate
      actions: [
        ...(n.actions ?? []).filter((a) => a.type !== 'noteFailure' || step.done?.otherwise === 'fail'),
        act('resetAttempts', { stepId: reobserve }),
      ],
    }));
    add(children, {
      id: `${reobserve}:poll`,
      meta: meta(step, 'poll'),
      invoke: {
        src: 'evaluateCheck',
        input,
        onDone: [
          // on resume, a loop the recorded run left by its timeout leaves here too
          ...timedOut.map((n) => ({ ...n, guard: 'pollsExhausted' })),
          { ...passed, actions: [...(passed.actions ?? []), act('resetAttempts', { stepId: reobserve })] },
          { target: t(`${reobserve}:sleep`), actions: [act('noteFailure', { stepId: id })] },
        ],
        onError: [{ target: t(`${reobserve}:sleep`), actions: [act('noteFailure', { stepId: id })] }],
      },
    });
    add(children, {
      id: `${reobserve}:sleep`,
      meta: meta(step, 'sleep'),
      entry: [act('countAttempt', { stepId: reobserve })],
      after: { [`${reobserve}:interval`]: [{ target: t(`${reobserve}:poll`) }] },
    });
    add(states, {
      id: reobserve,
      meta: meta(step, 'wait'),
      initial: `${reobserve}:poll`,
      states: children,
      after: { [`${reobserve}:timeout`]: timedOut },
    });
    return reobserve;
  };

  /** A wait, postcondition or precondition right after the step in the same list, asked once. */
  const followingCheck = (
    step: StepOf<'talosctl'>,
  ): { check: string; with: Record<string, ValueOrRef>; poll: undefined } | undefined => {
    const after = index.get(info(step.id).next)?.step;
    if (
      after === undefined ||
      !(after.kind === 'wait' || after.kind === 'postcondition' || after.kind === 'precondition')
    )
      return undefined;
    return { check: after.check, with: after.with, poll: undefined };
  };

  /** The fresh approval of a gated step itself, before it runs again after an unknown outcome. */
  const compileReapprove = (step: StepOf<'talosctl'>, doneCheck: string | undefined): void => {
    const id = step.id;
    const source = tokenSource(undefined, [step], index, scopes);
    const tokenAt = tokenResolver(source);
    add(states, {
      id: `${id}:reapprove`,
      meta: meta(step, 'confirm'),
      invoke: {
        src: 'askApproval',
        input: ({ context }) => ({
          stepId: id,
          prompt: `the previous attempt of ${id} may or may not have run, and nothing shows that it took effect${
            context.lastFailure?.stepId === id
              ? ` (${doneCheck ?? 'the check'} does not hold: ${context.lastFailure.reason})`
              : ''
          }: run it again?`,
          token: tokenAt(context),
          guards: [id],
          again: true,
        }),
        onDone: [
          {
            target: t(`${id}:recheck`),
            guard: 'approved',
            actions: [
              {
                type: 'storeApproval',
                params: ({ context }: { context: RunContext }) => ({ stepId: id, token: tokenAt(context) }),
              },
            ],
          },
          ...notApproved(id),
        ],
        onError: [{ target: t(OUTCOME_STATES.failed), actions: [act('noteFailure', { stepId: id })] }],
      },
    });
  };

  const compileList = (list: readonly Step[], after: string): void => {
    list.forEach((step, i) => {
      const following = list[i + 1];
      compileStep(step, following === undefined ? after : entryOf(following.id));
    });
  };

  compileList(runbook.steps, OUTCOME_STATES.success);
  for (const [outcome, key] of Object.entries(OUTCOME_STATES) as Array<[RunOutcome, string]>) {
    add(states, {
      id: key,
      meta: { stepId: undefined, role: 'outcome', effect: undefined },
      type: 'final',
      output:
        outcome === 'success'
          ? { outcome, stepId: undefined, message: undefined }
          : ({ context }) => ({ outcome, stepId: context.lastFailure?.stepId, message: context.lastFailure?.reason }),
    });
  }
  const firstStep = runbook.steps[0];
  const initial = firstStep === undefined ? OUTCOME_STATES.success : entryOf(firstStep.id);
  return { machine: makeMachine(states, delays, initial), states: metas, initial };
}

/** The token a gate asks for, resolved from the run's context (undefined when not resolvable). */
function tokenResolver(source: TokenSource | undefined): (context: RunContext) => ApprovalToken | undefined {
  return (context) => {
    if (source === undefined) return undefined;
    const r = resolveValue(source.value, scopeOf(context));
    return r.ok && (typeof r.value === 'string' || typeof r.value === 'number')
      ? { type: source.type, value: String(r.value) }
      : undefined;
  };
}
