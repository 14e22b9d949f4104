import {
  certificateFinding,
  DEFAULT_MAX_SKEW_MS,
  skewFinding,
  versionFinding,
  voterFinding,
} from '../checks/observe/preflight.js';
import { fmt, listText } from '../checks/verdict.js';
import { answers } from '../checks/view.js';
import { humanizeBytes } from '../lab/format.js';
import { raisedAlarms } from './alarms.js';
import { type ClusterView, type MemberSight, memberName, nodeOfId, type SightState } from './cluster-view.js';
import {
  type Finding,
  FRAGMENTED_BELOW_PERCENT,
  NEAR_QUOTA_SHARE,
  type Severity,
  type TriageOptions,
} from './model.js';

/**
 * Everything triage saw, each finding with its evidence, whatever the verdict: the members (DB
 * size against the quota, IN USE, raft index and lag in both polls), quorum and the leader,
 * alarms, nodes that are no control plane, and the preflight's risks (an even member count,
 * clock skew, TLS certificates, mixed etcd versions).
 */

const SEVERITY: Readonly<Record<SightState, Severity>> = {
  up: 'ok',
  leaderless: 'problem',
  'etcd-down': 'problem',
  'machine-down': 'problem',
  'machine-timeout': 'unknown',
  replaced: 'problem',
  unseen: 'unknown',
};

function memberFinding(m: MemberSight, v: ClusterView, o: TriageOptions): Finding {
  const lags = v.polls.map((p) => (m.row ? p.lag[m.row.member]?.lag : undefined));
  const r = m.row;
  const who = m.member === undefined ? (m.node ?? m.id) : `member ${m.member} on ${m.node ?? '?'}`;
  if (r === undefined || (m.state !== 'up' && m.state !== 'leaderless'))
    return {
      id: 'member',
      severity: SEVERITY[m.state],
      text: `${who}: ${m.why}`,
      ...(m.node ? { node: m.node } : {}),
      ...(m.member === undefined ? {} : { member: m.member }),
      evidence: { state: m.state, learner: m.learner },
    };
  const quotaShare = r.dbSizeBytes / o.quotaBytes;
  const lagText = lags.every((l) => l === undefined)
    ? 'lag unknown'
    : `lag ${lags.map((l) => (l === undefined ? '?' : fmt(l))).join(' → ')}`;
  const severity: Severity =
    m.state === 'leaderless' ? 'problem' : m.learner || r.learner || quotaShare >= NEAR_QUOTA_SHARE ? 'risk' : 'ok';
  return {
    id: 'member',
    severity,
    text: `${who}: ${m.state === 'leaderless' ? 'knows NO leader; ' : ''}${r.learner ? 'LEARNER; ' : ''}DB SIZE ${humanizeBytes(r.dbSizeBytes)} (${(quotaShare * 100).toFixed(1)}% of quota), IN USE ${r.inUsePercent.toFixed(2)}%${r.inUsePercent < FRAGMENTED_BELOW_PERCENT ? ' (fragmented)' : ''}, raft index ${fmt(r.raftIndex)} term ${fmt(r.raftTerm)}, ${lagText}`,
    node: r.node,
    member: r.member,
    evidence: {
      state: m.state,
      dbSizeBytes: r.dbSizeBytes,
      inUseBytes: r.inUseBytes,
      inUsePercent: r.inUsePercent,
      quotaUseRatio: quotaShare,
      raftIndex: r.raftIndex,
      raftTerm: r.raftTerm,
      lag: lags.map((l) => l ?? null),
      learner: r.learner,
      leader: r.leader,
      ...(r.protocol === undefined ? {} : { protocol: r.protocol }),
    },
  };
}

function leaderFinding(v: ClusterView): Finding {
  const [a, b] = v.polls;
  const said = (l: (typeof v.polls)[0]['leader']) =>
    l === undefined
      ? 'no leader with a quorum'
      : `leader ${memberName(v, l.member)} (term ${fmt(l.term)}, followed by ${listText(l.followers)})`;
  const stable =
    a.leader !== undefined &&
    b.leader !== undefined &&
    a.leader.member === b.leader.member &&
    a.leader.term === b.leader.term;
  return {
    id: 'leader',
    severity: b.leader === undefined ? 'problem' : stable && b.astray.length === 0 ? 'ok' : 'problem',
    text: `${fmt(v.voters)} voters (from ${v.votersSource}), quorum ${fmt(v.quorum)}; poll 1: ${said(a.leader)}; poll 2: ${said(b.leader)}${b.astray.length > 0 ? `; astray: ${b.astray.map((x) => `${x.member} on ${x.node}`).join(', ')}` : ''}`,
    ...(b.leader ? { member: b.leader.member } : {}),
    ...(b.leader?.node ? { node: b.leader.node } : {}),
    evidence: {
      voters: v.voters,
      quorum: v.quorum,
      leaders: v.polls.map((p) => p.leader?.member ?? null),
      terms: v.polls.map((p) => p.leader?.term ?? null),
      astray: b.astray.map((x) => ({ node: x.node, member: x.member, leader: x.leader })),
    },
  };
}

function alarmFinding(v: ClusterView): Finding[] {
  const raised = raisedAlarms(v);
  const lists = answers(v.reads.alarms, v.controlPlane);
  if (raised.length === 0)
    return [
      {
        id: 'alarms',
        severity: lists.answered.length > 0 ? 'ok' : 'unknown',
        text:
          lists.answered.length > 0
            ? `no alarm raised (alarm list of ${listText(lists.answered.map((x) => x.node))})`
            : 'alarms not read: no node answered etcd alarm list',
        evidence: { alarms: [] },
      },
    ];
  return raised.map((a) => ({
    id: 'alarm',
    severity: 'problem' as const,
    text: `${a.kind} raised on member ${memberName(v, a.member)} (seen by ${listText(a.seenBy)})`,
    member: a.member,
    ...(nodeOfId(v, a.member) === undefined ? {} : { node: nodeOfId(v, a.member) }),
    evidence: { kind: a.kind, seenBy: a.seenBy },
  }));
}

function preflightFindings(v: ClusterView): Finding[] {
  const lists = answers(v.reads.members, v.controlPlane);
  const rows = answers(v.reads.status, v.controlPlane);
  const times = answers(v.reads.time, v.controlPlane);
  const found = [
    { id: 'members-count', f: voterFinding(lists) },
    { id: 'clock-skew', f: skewFinding(times, DEFAULT_MAX_SKEW_MS) },
    { id: 'certificate', f: certificateFinding([lists, rows, times]) },
    { id: 'versions', f: versionFinding(rows) },
  ];
  return found
    .filter((x) => x.f.text !== '')
    .map((x) => ({ id: x.id, severity: x.f.warn ? 'risk' : 'info', text: x.f.text, evidence: {} }));
}

export function findingsOf(v: ClusterView, o: TriageOptions): Finding[] {
  return [
    ...v.members.map((m) => memberFinding(m, v, o)),
    leaderFinding(v),
    ...alarmFinding(v),
    ...v.notControlPlane.map((n) => ({
      id: 'not-control-plane',
      severity: 'info' as const,
      text: `${n.why}: left out of the recommended command`,
      node: n.node,
      evidence: {},
    })),
    ...preflightFindings(v),
  ];
}
