import type { DrillFault } from './fault-table.js';

/**
 * The triage drills: for each `--fault` a responder may meet, the row of the fault table
 * (fault-table.ts) done to the lab and the right answers from docs/triage.md's verdict table —
 * the row, its runbook (or none), the exact params and the member it must name. Data only (and
 * type imports): the CLI offers the faults as `--fault` choices without loading the lab.
 */

/** One right answer: the decision-table row, its runbook and params, and the node it is about. */
export interface TriageAnswer {
  row: string;
  runbook: string | null;
  params?: Record<string, string>;
  /** the faulted node the verdict must name */
  subject?: string;
}

/** What the answers are written from: the lab's nodes and the member the fault was done to. */
export interface AnswerContext {
  /** every node, comma-separated, as triage's `nodes` param */
  nodes: string;
  /** the member count, as the runbooks' `members` param */
  members: string;
  /** the faulted member's node */
  node: string;
}

export interface TriageDrill {
  readonly fault: DrillFault;
  /** the right answers (more than one only where the lab itself may show either) */
  readonly right: (c: AnswerContext) => TriageAnswer[];
}

const lagging = (c: AnswerContext): TriageAnswer => ({
  row: 'lagging',
  runbook: 'member-not-syncing',
  params: { nodes: c.nodes, members: c.members, maxLag: '100' },
  subject: c.node,
});
const lost = (c: AnswerContext): TriageAnswer[] => [
  {
    row: 'member-lost',
    runbook: 'replace-lost-member',
    params: { nodes: c.nodes, members: c.members },
    subject: c.node,
  },
];
const nospace = (c: AnswerContext): TriageAnswer[] => [
  { row: 'nospace', runbook: 'nospace-recovery', params: { nodes: c.nodes } },
];

export const TRIAGE_DRILLS = {
  healthy: { fault: 'none', right: () => [{ row: 'healthy', runbook: null }] },
  nospace: { fault: 'nospace', right: nospace },
  'nospace-full': { fault: 'nospace-full', right: nospace },
  lose: { fault: 'lose-follower', right: lost },
  kill: { fault: 'kill-follower', right: lost },
  'stuck-learner': {
    fault: 'stuck-learner',
    right: (c) => [
      {
        row: 'learner',
        runbook: 'member-not-syncing',
        params: { nodes: c.nodes, members: c.members },
        subject: c.node,
      },
    ],
  },
  'quorum-loss': {
    fault: 'quorum-loss',
    right: (c) => [
      {
        row: 'quorum-lost-machines-down',
        runbook: 'restore-from-snapshot',
        params: { nodes: c.nodes, snapshot: '<snapshot file>', members: c.members },
      },
    ],
  },
  partition: { fault: 'partition', right: (c) => [{ row: 'partition', runbook: null, subject: c.node }] },
  latency: { fault: 'latency', right: (c) => [lagging(c)] },
  // a lossy link shows a lag or a lost leader (measured: both happen); each view has its answer
  loss: { fault: 'loss', right: (c) => [lagging(c), { row: 'partition', runbook: null, subject: c.node }] },
  'flap-leader': { fault: 'flap-leader', right: () => [{ row: 'leader-unstable', runbook: null }] },
} as const satisfies Readonly<Record<string, TriageDrill>>;

export type TriageFault = keyof typeof TRIAGE_DRILLS;

/** The faults `drill triage --fault` grades triage on, in the order docs list them. */
export const TRIAGE_FAULTS = Object.keys(TRIAGE_DRILLS) as TriageFault[];
