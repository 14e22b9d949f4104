import { fromPromise } from 'xstate';
import type { RecheckApprovalInput, RecheckApprovalOutput } from '../../compile/contract.js';
import { guardedSteps, indexSteps } from '../../runbook/flow.js';
import { allSteps } from '../../runbook/model.js';
import type { EngineEnv } from '../env.js';
import { describeDrift, readGateView } from '../fingerprint.js';
import { gateNodes, gateSteps } from './gate-facts.js';
import { readerFor } from './shared.js';

/**
 * recheckApproval: right before an irreversible command, re-read the same nodes the gate read
 * and compare fingerprints. Any change voids the approval (journaled; the run ends
 * 'approval-stale', exit 3): the operator approved a cluster that no longer exists.
 */
export function recheckApprovalActor(env: EngineEnv) {
  return fromPromise<RecheckApprovalOutput, RecheckApprovalInput>(
    env.track(async ({ input, signal }) => {
      const step = `${input.stepId}:recheck`;
      // replayed only for an attempt whose command is in the log; before a call that will run
      // live the recheck reads the cluster live, whatever the log recorded for it
      const recorded = env.replay?.hasCommand(input.stepId) === true;
      const rec = env.replay?.check(step);
      if (rec !== undefined && recorded)
        return { unchanged: rec.payload.verdict === 'pass', detail: rec.payload.summary };
      env.replay?.goLive();
      const approval = input.approval;
      if (approval === undefined) {
        return { unchanged: false, detail: `no approval is in force for ${input.stepId}` };
      }
      const context = env.context();
      const confirm = allSteps(env.runbook.steps).find((s) => s.id === approval.stepId);
      const guards =
        confirm?.kind === 'confirm' ? guardedSteps(approval.stepId, indexSteps(env.runbook)).map((s) => s.id) : [];
      const steps = gateSteps(env, approval.stepId, guards);
      const nodes = gateNodes(env, context, steps, approval.token);
      const view = await readGateView(readerFor(env, step, signal), nodes, approval.token);
      const same = view.fingerprint === approval.fingerprint;
      const before = env.digests.get(approval.fingerprint);
      const detail = same
        ? 'the cluster is as it was when approved'
        : `the cluster changed since the approval: ${before ? describeDrift(before, view.digest) : 'the state fingerprint differs'}`;
      const record = env.journal.append('check', {
        step,
        name: 'approval-fingerprint',
        args: { approvedAt: approval.stepId },
        observed: { approved: approval.fingerprint, now: view.fingerprint },
        verdict: same ? 'pass' : 'fail',
        summary: detail,
      });
      const voided = same
        ? undefined
        : env.journal.append('approval-voided', { step: input.stepId, fingerprint: view.fingerprint, reason: detail });
      env.events.emit({ code: 'TDR_I_APPROVAL_RECHECK', data: { record, ...(voided ? { voided } : {}) } });
      return { unchanged: same, detail };
    }),
  );
}
