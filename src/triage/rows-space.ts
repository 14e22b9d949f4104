import { fmt, listText } from '../checks/verdict.js';
import { humanizeBytes } from '../lab/format.js';
import { raisedAlarms } from './alarms.js';
import { type ClusterView, memberName } from './cluster-view.js';
import { FRAGMENTED_BELOW_PERCENT, NEAR_QUOTA_SHARE, RECLAIM_WORTH_QUOTA_SHARE, type TriageOptions } from './model.js';
import type { Row } from './row.js';

/**
 * The rows about space, for a cluster that is otherwise well: DB SIZE near the quota (defrag when
 * most of it is free pages, else the quota must grow), fragmentation worth a defrag, then healthy,
 * and the last row that catches whatever no row above explains.
 */

interface Space {
  node: string;
  member: string;
  db: number;
  inUse: number;
  percent: number;
}

function spaceOf(v: ClusterView): Space[] {
  return v.polls[1].rows.answered.map((r) => ({
    node: r.node,
    member: r.value.member,
    db: r.value.dbSizeBytes,
    inUse: r.value.inUseBytes,
    percent: r.value.inUsePercent,
  }));
}

const share = (s: Space, o: TriageOptions): string => `${((s.db / o.quotaBytes) * 100).toFixed(1)}%`;
const sizeText = (s: Space, o: TriageOptions): string =>
  `member ${s.member} on ${s.node}: DB SIZE ${humanizeBytes(s.db)} (${share(s, o)} of the ${humanizeBytes(o.quotaBytes)} quota), IN USE ${s.percent.toFixed(2)}%`;
const near = (v: ClusterView, o: TriageOptions): Space[] =>
  spaceOf(v).filter((s) => s.db >= NEAR_QUOTA_SHARE * o.quotaBytes);
const fragmented = (s: Space): boolean => s.percent < FRAGMENTED_BELOW_PERCENT;
const nodes = (v: ClusterView): Record<string, string> => ({ nodes: v.controlPlane.join(',') });

export const quotaFragmented: Row = {
  id: 'quota-fragmented',
  verdict: 'degraded',
  when: `a member's DB SIZE is at least ${NEAR_QUOTA_SHARE * 100}% of the quota and under ${FRAGMENTED_BELOW_PERCENT}% of it is in use`,
  action: 'rolling-defrag now, before NOSPACE stops writes',
  runbook: 'rolling-defrag',
  decide(v, o) {
    const hit = near(v, o).filter(fragmented);
    if (hit.length === 0) return undefined;
    return {
      headline: `etcd is near its quota, mostly in free pages: defragment before NOSPACE`,
      why: hit.map((s) => sizeText(s, o)).join('; '),
      params: nodes(v),
    };
  },
};

export const quotaFull: Row = {
  id: 'quota-full',
  verdict: 'degraded',
  when: `a member's DB SIZE is at least ${NEAR_QUOTA_SHARE * 100}% of the quota and mostly in use`,
  action: 'no runbook: a defrag would free little; raise the quota (etcd quota-backend-bytes) or delete data',
  runbook: null,
  decide(v, o) {
    const hit = near(v, o);
    if (hit.length === 0) return undefined;
    return {
      headline: 'etcd is near its quota with live data: NOSPACE is coming',
      why: hit.map((s) => sizeText(s, o)).join('; '),
      first:
        "Raise the quota (the machine config's cluster.etcd.extraArgs quota-backend-bytes, then a rolling reboot of the control planes) or find what fills etcd (large objects, events). A defrag frees only the pages not in use. If this quota is not etcd's, pass the real one with --quota.",
    };
  },
};

export const fragmentedRow: Row = {
  id: 'fragmented',
  verdict: 'degraded',
  when: `IN USE is under ${FRAGMENTED_BELOW_PERCENT}% of a member's DB SIZE and a defrag would give back at least ${RECLAIM_WORTH_QUOTA_SHARE * 100}% of the quota`,
  action: 'rolling-defrag (in a low-traffic window: a member blocks while it defragments)',
  runbook: 'rolling-defrag',
  decide(v, o) {
    const hit = spaceOf(v).filter((s) => fragmented(s) && s.db - s.inUse >= RECLAIM_WORTH_QUOTA_SHARE * o.quotaBytes);
    if (hit.length === 0) return undefined;
    return {
      headline: `etcd is fragmented: ${listText(hit.map((s) => s.node))} would give back ${humanizeBytes(Math.max(...hit.map((s) => s.db - s.inUse)))} or more`,
      why: hit.map((s) => sizeText(s, o)).join('; '),
      params: nodes(v),
    };
  },
};

export const healthy: Row = {
  id: 'healthy',
  verdict: 'healthy',
  when: 'every member answers, one leader with the same term in both polls is followed by every voter, no alarm, no learner, no lag beyond maxLag',
  action: 'nothing to run',
  runbook: null,
  decide(v, o) {
    const [a, b] = v.polls;
    const allUp = v.members.length > 0 && v.members.every((m) => m.state === 'up');
    const alarmListSeen = Object.values(v.reads.alarms).some((r) => r.ok);
    const voters = v.members.filter((m) => !m.learner).length;
    if (!allUp || !alarmListSeen || raisedAlarms(v).length > 0 || v.members.some((m) => m.learner)) return undefined;
    if (b.leader === undefined || a.leader === undefined || b.astray.length > 0) return undefined;
    if (a.leader.member !== b.leader.member || a.leader.term !== b.leader.term) return undefined;
    if (b.leader.followers.length !== voters) return undefined;
    if (Object.values(b.lag).some((l) => l.lag > o.maxLag)) return undefined;
    return {
      headline: `healthy: ${fmt(voters)} voters follow leader ${memberName(v, b.leader.member)} (term ${fmt(b.leader.term)}), no alarm`,
      why: `every member answered both polls; largest lag ${fmt(Math.max(0, ...Object.values(b.lag).map((l) => l.lag)))} entries`,
    };
  },
};

export const unclear: Row = {
  id: 'unclear',
  verdict: 'cannot-tell',
  when: 'none of the rows above (e.g. the alarm lists were not read, or a leader without its own answer)',
  action: 'nothing: the reads do not fit a known state',
  runbook: null,
  decide(v) {
    const odd = v.members.filter((m) => m.state !== 'up');
    const alarms = Object.values(v.reads.alarms).some((r) => r.ok) ? [] : ['the alarm list of any node'];
    return {
      headline: 'cannot tell: the reads fit no known state',
      why: [
        ...odd.map((m) => m.why),
        v.polls[1].leader ? `leader ${memberName(v, v.polls[1].leader.member)}` : 'no leader with a quorum',
      ].join('; '),
      missing: [
        ...alarms,
        'run triage again; if it stays unclear, read `talosctl etcd status` and `etcd members` by hand',
      ],
    };
  },
};
