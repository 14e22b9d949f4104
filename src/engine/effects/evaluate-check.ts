import { fromPromise } from 'xstate';
import type { Json } from '../../checks/verdict.js';
import type { EvaluateCheckInput, EvaluateCheckOutput } from '../../compile/contract.js';
import { maxPolls } from '../../runbook/backoff.js';
import { indexSteps } from '../../runbook/flow.js';
import type { Runbook } from '../../runbook/model.js';
import type { EngineEnv } from '../env.js';
import type { ShownVerdict } from '../progress.js';
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
        env.journal.append('check', {
          step: input.stepId,
          name: input.check,
          args: JSON.parse(JSON.stringify(input.args)) as Record<string, Json>,
          observed: {},
          verdict: 'pass',
          summary,
        });
        env.progress.check('assumed', summary);
        return { verdict: 'pass', observed: {}, description: summary };
      }
      if (input.poll === 0) prevState.delete(input.stepId);
      const v = await checkOnce(env, input.stepId, input.check, input.args, signal, prevState.get(input.stepId));
      prevState.set(input.stepId, v.state);
      const key = `${v.verdict}:${v.summary}`;
      if (input.poll === 0 || v.verdict === 'pass' || lastVerdict.get(input.stepId) !== key) {
        const shown = shownCheck(env, input, v.verdict, v.summary);
        env.progress.check(shown.verdict, shown.text);
      }
      lastVerdict.set(input.stepId, key);
      if (input.stepId.endsWith(':reobserve') && v.verdict === 'pass') {
        // the machine goes on past the step: say in the log why it was not run again
        env.journal.append('deviation', {
          step: input.stepId.slice(0, -':reobserve'.length),
          kind: 'skip',
          detail: `not run again: ${input.check} holds (${v.summary})`,
        });
      }
      return { verdict: v.verdict, observed: v.observed, description: describe(v.verdict, v.summary) };
    }),
  );
}

/**
 * What the responder reads for one evaluation: a choice is answered yes or no (its branch, never a
 * red FAIL); a wait or postcondition poll that has not passed is `waiting (poll k of at most N)`,
 * since only its timeout is a failure; everything else is the verdict.
 */
export function shownCheck(
  env: Pick<EngineEnv, 'runbook'>,
  input: Pick<EvaluateCheckInput, 'stepId' | 'check' | 'mode' | 'poll'>,
  verdict: 'pass' | 'fail' | 'unknown',
  summary: string,
): { verdict: ShownVerdict; text: string } {
  const step = stepsOf(env.runbook).get(input.stepId)?.step;
  if (input.mode === 'choice' && verdict !== 'unknown') {
    const question = step?.title ?? input.stepId;
    const why = input.check === 'flag-set' ? '' : ` — ${summary}`;
    return { verdict: verdict === 'pass' ? 'yes' : 'no', text: `${input.stepId}: ${question}${why}` };
  }
  const poll = step !== undefined && 'poll' in step ? step.poll : undefined;
  if ((input.mode === 'wait' || input.mode === 'postcondition') && poll !== undefined && verdict !== 'pass') {
    return {
      verdict: 'waiting',
      text: `(poll ${input.poll + 1} of at most ${maxPolls(poll)}, ${poll.timeoutMs / 1000}s in all) ${input.check}: ${summary}`,
    };
  }
  return { verdict, text: `${input.check}: ${summary}` };
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
