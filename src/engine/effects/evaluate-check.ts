import { fromPromise } from 'xstate';
import type { Json } from '../../checks/verdict.js';
import type { EvaluateCheckInput, EvaluateCheckOutput } from '../../compile/contract.js';
import { maxPolls } from '../../runbook/backoff.js';
import { indexSteps } from '../../runbook/flow.js';
import type { Runbook } from '../../runbook/model.js';
import type { EngineEnv } from '../env.js';
import type { CheckShown } from '../events.js';
import { note } from '../events.js';
import { checkOnce } from './check-once.js';

/**
 * evaluateCheck: one evaluation, journaled with its verdict: pass, fail, or unknown (what could not
 * be seen, described as "cannot tell: …"); the machine never takes a pass branch on unknown.
 * Replayed from the recorded `check` record on resume. In a dry run, a wait or postcondition
 * after a would-run change passes as 'assumed' (the change did not happen, so live reads cannot
 * show its effect); so does a cluster choice after one. A wait prints its first verdict, each change of verdict, and the pass.
 */
export function evaluateCheckActor(env: EngineEnv) {
  const prevState = new Map<string, Json | undefined>();
  const lastVerdict = new Map<string, string>();
  return fromPromise<EvaluateCheckOutput, EvaluateCheckInput>(
    env.track(async ({ input, signal }) => {
      // the quorum check before a disruptive command is replayed only for an attempt whose
      // command is in the log: before a call that will run live it reads the cluster live
      const quorumOf = input.stepId.endsWith(':quorum') ? input.stepId.slice(0, -':quorum'.length) : undefined;
      const fresh = quorumOf !== undefined && env.replay !== undefined && !env.replay.hasCommand(quorumOf);
      // a poll loop the recorded run left by its timeout: the machine takes its timeout path
      if (input.poll > 0 && env.replay?.pollsExhausted(input.stepId) === true)
        return {
          verdict: 'unknown',
          observed: {},
          description: 'replayed: the recorded polls ended here, at their timeout',
          exhausted: true,
        };
      const rec = env.replay?.check(input.stepId);
      if (fresh) env.replay?.goLive();
      if (rec !== undefined && !fresh) {
        const p = rec.payload;
        return {
          verdict: contractVerdict(p.verdict),
          observed: p.observed,
          description: describe(p.verdict, p.summary),
        };
      }
      // a choice on the cluster after a would-run change (e.g. did the defrag free space?) cannot
      // be read either: the rehearsal follows its pass branch, marked assumed
      const afterChange =
        input.mode === 'wait' ||
        input.mode === 'postcondition' ||
        (input.mode === 'choice' && input.check !== 'flag-set');
      if (env.dryRun && env.assumed.size > 0 && afterChange) {
        const summary = `assumed: ${input.check} (dry run: ${[...env.assumed].join(', ')} only "would run")`;
        const record = env.journal.append('check', {
          step: input.stepId,
          name: input.check,
          args: JSON.parse(JSON.stringify(input.args)) as Record<string, Json>,
          observed: {},
          verdict: 'pass',
          summary,
        });
        const shown = { ...checkShown(env, input, 'pass', summary), mode: 'assumed' as const };
        env.events.emit({ code: 'TDR_I_CHECK_VERDICT', data: { shown, record } });
        return { verdict: 'pass', observed: {}, description: summary };
      }
      if (input.poll === 0) prevState.delete(input.stepId);
      const once = await checkOnce(env, input.stepId, input.check, input.args, signal, prevState.get(input.stepId));
      const v = once.verdict;
      prevState.set(input.stepId, v.state);
      const key = `${v.verdict}:${v.summary}`;
      // a poll that says what the last one said is not drawn again (the log has it all)
      const changed = input.poll === 0 || v.verdict === 'pass' || lastVerdict.get(input.stepId) !== key;
      const shown = checkShown(env, input, v.verdict, v.summary);
      env.events.emit({
        code: changed ? 'TDR_I_CHECK_VERDICT' : 'TDR_I_WAIT_POLL',
        data: { shown, record: once.record },
      });
      lastVerdict.set(input.stepId, key);
      if (input.stepId.endsWith(':reobserve') && v.verdict === 'pass') {
        // the machine goes on past the step: say in the log why it was not run again
        note(
          env,
          'deviation',
          {
            step: input.stepId.slice(0, -':reobserve'.length),
            kind: 'skip',
            detail: `not run again: ${input.check} holds (${v.summary})`,
          },
          (record) => ({ code: 'TDR_I_NOT_RUN_AGAIN', data: { record } }),
        );
      }
      return { verdict: v.verdict, observed: v.observed, description: describe(v.verdict, v.summary) };
    }),
  );
}

/** What a view needs to word one evaluation: the step's question and, when polled, its poll budget. */
export function checkShown(
  env: Pick<EngineEnv, 'runbook'>,
  input: Pick<EvaluateCheckInput, 'stepId' | 'check' | 'mode' | 'poll'>,
  verdict: 'pass' | 'fail' | 'unknown',
  summary: string,
): CheckShown {
  const step = stepsOf(env.runbook).get(input.stepId)?.step;
  const poll = step !== undefined && 'poll' in step ? step.poll : undefined;
  return {
    stepId: input.stepId,
    check: input.check,
    mode: input.mode,
    poll: input.poll,
    verdict,
    summary,
    question: step?.title ?? input.stepId,
    ...(poll === undefined ? {} : { polls: { max: maxPolls(poll), timeoutMs: poll.timeoutMs } }),
  };
}

const indexes = new WeakMap<Runbook, ReturnType<typeof indexSteps>>();
function stepsOf(runbook: Runbook): ReturnType<typeof indexSteps> {
  let index = indexes.get(runbook);
  if (index === undefined) {
    index = indexSteps(runbook);
    indexes.set(runbook, index);
  }
  return index;
}

/** A recorded verdict as the contract carries it (an older or odd record that is not pass/fail is unknown). */
function contractVerdict(v: string): EvaluateCheckOutput['verdict'] {
  return v === 'pass' || v === 'fail' ? v : 'unknown';
}

/** The sentence the machine notes as the failure reason: an unknown says so first. */
function describe(verdict: string, summary: string): string {
  return verdict === 'pass' || verdict === 'fail' || summary.startsWith('cannot tell')
    ? summary
    : `cannot tell: ${summary}`;
}
