import { escapeLabelValue, formatValue } from '../backup/status-format.js';
import type { Figures, MemberFigures } from './figures.js';
import { EXIT_OF } from './triage.js';

/**
 * `watch --format prometheus`: one round's figures in the text exposition format (0.0.4), for
 * node_exporter's textfile collector or any scraper, written by hand like backup status: one
 * `# HELP` and `# TYPE` per family, its samples together, label values escaped, `\n` ends. The
 * guide's alerting advice (alarms, quota, fragmentation, leader changes, lag) becomes a rule on
 * these (docs/triage.md lists them).
 */

export interface Exposition {
  figures: Figures;
  /** leader changes seen since the watch started (a counter) */
  leaderChangesTotal: number;
  /** DB growth per hour by member id, when a previous round gave a base */
  growthPerHour?: Readonly<Record<string, number>>;
}

type Family = {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  /** the labels its samples carry (docs/triage.md's table) */
  labels: readonly string[];
  samples: (e: Exposition) => { labels?: Record<string, string>; value: number }[];
};

const flag = (b: boolean): number => (b ? 1 : 0);
const ALARM_KINDS = ['NOSPACE', 'CORRUPT'];

/** One sample per member that has the value. */
function perMember(value: (m: MemberFigures) => number | undefined) {
  return (e: Exposition) =>
    e.figures.members.flatMap((m) => {
      const v = value(m);
      return v === undefined ? [] : [{ labels: { node: m.node, member: m.member }, value: v }];
    });
}

export const FAMILIES: readonly Family[] = [
  {
    name: 'talos_dr_etcd_triage_status',
    help: 'The triage verdict as its exit code: 0 healthy, 1 degraded (a runbook or an action is recommended), 4 cannot tell; label row names the decision-table row.',
    type: 'gauge',
    labels: ['verdict', 'row'],
    samples: (e) => [{ labels: { verdict: e.figures.verdict, row: e.figures.row }, value: EXIT_OF[e.figures.verdict] }],
  },
  {
    name: 'talos_dr_etcd_triage_timestamp_seconds',
    help: 'Unix time of the round these figures come from (its second poll).',
    type: 'gauge',
    labels: [],
    samples: (e) => [{ value: e.figures.at / 1000 }],
  },
  {
    name: 'talos_dr_etcd_has_leader',
    help: 'Whether a quorum of the voters follows one leader (1) or not (0).',
    type: 'gauge',
    labels: [],
    samples: (e) => [{ value: flag(e.figures.leader !== undefined) }],
  },
  {
    name: 'talos_dr_etcd_leader_changes_total',
    help: 'Leader changes seen since the watch started (raft term steps, or a new leader at the same term).',
    type: 'counter',
    labels: [],
    samples: (e) => [{ value: e.leaderChangesTotal }],
  },
  {
    name: 'talos_dr_etcd_raft_term',
    help: 'The raft term of the leader the quorum follows.',
    type: 'gauge',
    labels: [],
    samples: (e) => (e.figures.leader === undefined ? [] : [{ value: e.figures.leader.term }]),
  },
  {
    name: 'talos_dr_etcd_members',
    help: 'Members in the member lists (0: no node could list them).',
    type: 'gauge',
    labels: [],
    samples: (e) => [{ value: e.figures.membersListed }],
  },
  {
    name: 'talos_dr_etcd_members_answering',
    help: 'Members whose own etcd status answered.',
    type: 'gauge',
    labels: [],
    samples: (e) => [{ value: e.figures.membersAnswering }],
  },
  {
    name: 'talos_dr_etcd_member_answering',
    help: 'Whether the member answered etcd status (1) or not (0).',
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => flag(m.answering)),
  },
  {
    name: 'talos_dr_etcd_member_is_leader',
    help: 'Whether the member is the leader the quorum follows.',
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => flag(m.isLeader)),
  },
  {
    name: 'talos_dr_etcd_member_learner',
    help: 'Whether the member is a learner (not yet promoted to voter).',
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => flag(m.learner)),
  },
  {
    name: 'talos_dr_etcd_quota_bytes',
    help: "The backend quota the DB size is measured against (triage's --quota; Talos sets none: etcd's 2 GiB).",
    type: 'gauge',
    labels: [],
    samples: (e) => [{ value: e.figures.quotaBytes }],
  },
  {
    name: 'talos_dr_etcd_db_size_bytes',
    help: "The member's DB SIZE as etcd status prints it (rounded to its SI digits).",
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => m.dbSizeBytes),
  },
  {
    name: 'talos_dr_etcd_db_in_use_bytes',
    help: "The member's IN USE bytes.",
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => m.inUseBytes),
  },
  {
    name: 'talos_dr_etcd_db_in_use_ratio',
    help: 'IN USE / DB SIZE (0..1): under 0.5 the database is fragmented and a defrag gives space back.',
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => m.inUseRatio),
  },
  {
    name: 'talos_dr_etcd_db_quota_use_ratio',
    help: 'DB SIZE / quota: at 1 etcd raises NOSPACE and refuses writes.',
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => m.quotaUseRatio),
  },
  {
    name: 'talos_dr_etcd_db_growth_bytes_per_hour',
    help: "DB SIZE change per hour since the watch's previous round.",
    type: 'gauge',
    labels: ['node', 'member'],
    samples: (e) => perMember((m) => e.growthPerHour?.[m.member])(e),
  },
  {
    name: 'talos_dr_etcd_raft_index',
    help: "The member's raft index.",
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => m.raftIndex),
  },
  {
    name: 'talos_dr_etcd_raft_lag_entries',
    help: "Raft entries the member is behind the leader's own index (read in the same poll).",
    type: 'gauge',
    labels: ['node', 'member'],
    samples: perMember((m) => m.lag),
  },
  {
    name: 'talos_dr_etcd_alarms',
    help: 'Members with this etcd alarm raised.',
    type: 'gauge',
    labels: ['kind'],
    samples: (e) =>
      [...new Set([...ALARM_KINDS, ...Object.keys(e.figures.alarms)])].map((kind) => ({
        labels: { kind },
        value: e.figures.alarms[kind] ?? 0,
      })),
  },
];

const escapeHelp = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function labelText(labels: Record<string, string> | undefined): string {
  if (labels === undefined || Object.keys(labels).length === 0) return '';
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(',')}}`;
}

export function exposition(e: Exposition): string {
  const out: string[] = [];
  for (const f of FAMILIES) {
    const samples = f.samples(e);
    if (samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of samples) out.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
  }
  return `${out.join('\n')}\n`;
}
