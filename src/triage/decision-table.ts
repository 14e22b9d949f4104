import type { Row } from './row.js';
import {
  catchingUp,
  corrupt,
  lagging,
  learner,
  memberLost,
  membersLost,
  memberTimeout,
  nospace,
  notSeen,
} from './rows-members.js';
import {
  leaderUnstable,
  noAnswer,
  noLeader,
  partition,
  quorumLostEtcdDown,
  quorumLostMachinesDown,
  quorumLostUnseen,
} from './rows-quorum.js';
import { fragmentedRow, healthy, quotaFragmented, quotaFull, unclear } from './rows-space.js';

/**
 * The decision table, in order: the first row that decides is the verdict. Safety sets the order:
 * what could be a view from the wrong side of a network cut (no answer, quorum lost only through
 * timeouts, a member cut off) is settled before any destructive runbook can be named; quorum comes
 * before alarms, alarms before single members, and a runbook that needs every member seen comes
 * after the row that stops on a member not seen. docs/triage.md's table is generated from it.
 */
export const DECISION_TABLE: readonly Row[] = [
  noAnswer,
  quorumLostUnseen,
  quorumLostMachinesDown,
  quorumLostEtcdDown,
  noLeader,
  partition,
  nospace,
  corrupt,
  memberLost,
  memberTimeout,
  membersLost,
  notSeen,
  leaderUnstable,
  learner,
  lagging,
  catchingUp,
  quotaFragmented,
  quotaFull,
  fragmentedRow,
  healthy,
  unclear,
];
