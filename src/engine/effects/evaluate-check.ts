import { fromPromise } from 'xstate';
import type { Json } from '../../checks/verdict.js';
import type { EvaluateCheckInput, EvaluateCheckOutput } from '../../compile/contract.js';
import type { EngineEnv } from '../env.js';
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
        const poll = input.mode === 'wait' && input.poll > 0 ? ` (poll ${input.poll + 1})` : '';
        env.progress.check(v.verdict, `${input.check}: ${v.summary}${poll}`);
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
