import { alarmActive } from './alarm-active.js';
import { allMembersStarted } from './all-members-started.js';
import type { CheckName } from './catalog.js';
import { dbInUseRatio } from './db-in-use-ratio.js';
import { dbSizeDropped } from './db-size-dropped.js';
import { flagSet } from './flag-set.js';
import { leaderElected } from './leader-elected.js';
import { memberAbsent } from './member-absent.js';
import { memberHealthy } from './member-healthy.js';
import { memberPresent } from './member-present.js';
import { membersCount } from './members-count.js';
import { noAlarms } from './no-alarms.js';
import { noLearners } from './no-learners.js';
import { quorumLost } from './quorum-lost.js';
import { quorumSafeToDisrupt } from './quorum-safe-to-disrupt.js';
import { quorumSafeToRemove } from './quorum-safe-to-remove.js';
import { raftConverged } from './raft-converged.js';
import { evidenceOf } from './reader.js';
import { serviceState } from './service-state.js';
import { snapshotVerified } from './snapshot-verified.js';
import type { CheckArgs, CheckImpl, CheckPorts, Json, Observed, Verdict } from './verdict.js';

/** Every check of the catalog, by name: the engine's only way to run one. */
export const CHECK_IMPLS: Readonly<Record<CheckName, CheckImpl>> = {
  'alarm-active': alarmActive,
  'no-alarms': noAlarms,
  'members-count': membersCount,
  'all-members-started': allMembersStarted,
  'no-learners': noLearners,
  'member-present': memberPresent,
  'member-absent': memberAbsent,
  'member-healthy': memberHealthy,
  'leader-elected': leaderElected,
  'raft-converged': raftConverged,
  'db-in-use-ratio': dbInUseRatio,
  'db-size-dropped': dbSizeDropped,
  'quorum-safe-to-remove': quorumSafeToRemove,
  'quorum-safe-to-disrupt': quorumSafeToDisrupt,
  'service-state': serviceState,
  'quorum-lost': quorumLost,
  'flag-set': flagSet,
  'snapshot-verified': snapshotVerified,
};

export interface CheckRun {
  verdict: Verdict;
  /** what observe() gathered, for replays and for the journal's raw evidence */
  observed: Observed | undefined;
}

/**
 * Observes and evaluates one check. Never rejects: a bad argument or a failing port becomes an
 * 'unknown' verdict whose summary says why. Pass the returned `verdict.state` as `prev` on the
 * next poll of the same wait.
 */
export async function runCheck(name: CheckName, args: CheckArgs, ports: CheckPorts, prev?: Json): Promise<CheckRun> {
  const impl = CHECK_IMPLS[name];
  let observed: Observed;
  try {
    observed = await impl.observe(ports, args);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return {
      observed: undefined,
      verdict: {
        verdict: 'unknown',
        observed: {},
        summary: `check ${name} could not observe: ${why}`,
        expected: 'an observation',
      },
    };
  }
  const verdict = impl.evaluate(observed, args, prev);
  const evidence = evidenceOf(observed.reads);
  return { observed, verdict: evidence.length > 0 ? { ...verdict, evidence } : verdict };
}
