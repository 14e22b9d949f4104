import { alarmActive } from '../checks/alarm-active.js';
import { laggingMember } from '../checks/observe/lagging-member.js';
import { lostMember } from '../checks/observe/lost-member.js';
import { fmt, listText } from '../checks/verdict.js';
import { raisedAlarms } from './alarms.js';
import { type ClusterView, LOST_STATES, type MemberSight, memberName } from './cluster-view.js';
import type { TriageOptions } from './model.js';
import type { Row } from './row.js';

/**
 * The rows about alarms and single members, for a cluster whose quorum works: NOSPACE, CORRUPT,
 * one member lost (and whether its machine could come back), members not seen, a learner never
 * promoted, a member falling behind. Each runbook row also asks the runbook's own observation or
 * check on the same reads, so the run it recommends starts from the same conclusion.
 */

const quorate = (v: ClusterView): boolean => v.polls[1].leader !== undefined;
const base = (v: ClusterView): Record<string, string> => ({ nodes: v.controlPlane.join(',') });
const membersParam = (v: ClusterView): string => String(v.members.length);

export const nospace: Row = {
  id: 'nospace',
  verdict: 'degraded',
  when: 'a NOSPACE alarm is raised (alarm list or status errors)',
  action:
    'nospace-recovery (it defragments one follower first and stops with the raise-the-quota advice when that frees nothing)',
  runbook: 'nospace-recovery',
  decide(v) {
    const alarms = raisedAlarms(v).filter((a) => a.kind === 'NOSPACE');
    if (alarms.length === 0) return undefined;
    const check = alarmActive.evaluate({ reads: v.reads }, { nodes: v.controlPlane, alarm: 'NOSPACE' });
    return {
      headline: `etcd is out of space: NOSPACE is raised on member ${listText(alarms.map((a) => memberName(v, a.member)))}; writes are refused`,
      why: `${alarms.map((a) => `NOSPACE on member ${memberName(v, a.member)} (seen by ${listText(a.seenBy)})`).join('; ')}; the runbook's own check (alarm-active) ${check.verdict === 'pass' ? 'passes' : `says: ${check.summary}`}`,
      params: base(v),
    };
  },
};

export const corrupt: Row = {
  id: 'corrupt',
  verdict: 'degraded',
  when: 'a CORRUPT alarm is raised',
  action: 'no runbook: take a snapshot from a member that is not corrupt, then replace the corrupt member by hand',
  runbook: null,
  decide(v) {
    const alarms = raisedAlarms(v).filter((a) => a.kind === 'CORRUPT');
    if (alarms.length === 0) return undefined;
    return {
      headline: `CORRUPT is raised on member ${listText(alarms.map((a) => memberName(v, a.member)))}: its data differs from the others'`,
      why: alarms.map((a) => `CORRUPT on member ${memberName(v, a.member)} (seen by ${listText(a.seenBy)})`).join('; '),
      first:
        'Take a snapshot from a member that is not named corrupt now (talos-dr run backup-snapshot --param nodes=… --param node=<healthy node> --param path=<file>), keep it off-cluster, and get an etcd expert: no built-in runbook removes a member that still answers.',
    };
  },
};

const lostOf = (v: ClusterView): MemberSight[] => v.members.filter((m) => LOST_STATES.has(m.state));

export const memberLost: Row = {
  id: 'member-lost',
  verdict: 'degraded',
  when: 'quorum holds and exactly one member is positively down (machine off, etcd down or wiped, or replaced); every other member is seen',
  action: 'replace-lost-member (if the machine can come back on its disk, bring it back first instead)',
  runbook: 'replace-lost-member',
  decide(v) {
    const lost = lostOf(v);
    const [m] = lost;
    if (!quorate(v) || lost.length !== 1 || m === undefined || m.state === 'machine-timeout' || m.node === undefined)
      return undefined;
    if (v.members.some((x) => x.state === 'unseen')) return undefined;
    const obs = lostMember.derive(v.reads, { nodes: v.controlPlane });
    if (!obs.ok || obs.outputs.member !== m.id) return undefined;
    const leader = obs.outputs.isLeader === true ? ' (the others still name it leader)' : '';
    const first =
      m.state === 'machine-down'
        ? `If ${m.node} can come back on its disk (power, network), bring it back first: its member rejoins on its data and nothing needs replacing. Replace the member when the machine or its disk is gone.`
        : m.state === 'etcd-down'
          ? `Its machine answers but etcd does not: if etcd can start on its data (talosctl -n ${m.node} service etcd, logs etcd), that is enough. Replace the member when its data is gone (the node was wiped or reinstalled: etcd waits in Preparing).`
          : undefined;
    return {
      headline: `member ${m.id} on ${m.node} is lost${leader}; quorum holds`,
      why: `${m.why}; ${v.polls[1].leader ? `${listText(v.polls[1].leader.followers)} follow leader ${memberName(v, v.polls[1].leader.member)}` : ''}`,
      subject: { node: m.node, member: m.id },
      ...(first === undefined ? {} : { first }),
      params: { ...base(v), members: membersParam(v) },
    };
  },
};

export const memberTimeout: Row = {
  id: 'member-timeout',
  verdict: 'cannot-tell',
  when: 'quorum holds, and the machine of a member times out on every read',
  action: 'nothing destructive yet: from here an off machine cannot be told from a network cut',
  runbook: null,
  decide(v) {
    const timing = v.members.filter((m) => m.state === 'machine-timeout');
    if (!quorate(v) || timing.length === 0) return undefined;
    return {
      headline: `${listText(timing.map((m) => `member ${m.id} on ${m.node ?? '?'}`))} does not answer within the read timeout`,
      why: timing.map((m) => m.why).join('; '),
      missing: timing.map(
        (m) =>
          `whether ${m.node ?? m.id} is up (its console, or reach it from another control plane node); triage again, or with a longer --read-timeout`,
      ),
    };
  },
};

export const membersLost: Row = {
  id: 'members-lost',
  verdict: 'degraded',
  when: 'quorum holds, and two or more members are positively down',
  action:
    'no runbook: bring the machines back; replace-lost-member replaces one lost member and refuses to pick among several',
  runbook: null,
  decide(v) {
    const lost = lostOf(v).filter((m) => m.state !== 'machine-timeout');
    if (!quorate(v) || lost.length < 2) return undefined;
    return {
      headline: `${fmt(lost.length)} members are down; quorum still holds with ${fmt(v.polls[1].leader?.followers.length ?? 0)} of ${fmt(v.voters)} voters`,
      why: lost.map((m) => m.why).join('; '),
      first: `Bring ${listText(lost.map((m) => m.node ?? m.id))} back first: one more loss stops etcd. Replace a member only when its machine is gone for good, one at a time (replace-lost-member refuses while more than one member is down).`,
    };
  },
};

export const notSeen: Row = {
  id: 'not-seen',
  verdict: 'cannot-tell',
  when: 'a member could not be seen for a reason on our side (certificate, permission, output not understood, a timeout while Talos reports etcd healthy, a member on none of the given nodes)',
  action: 'nothing: what was not seen may be the member that matters',
  runbook: null,
  decide(v) {
    const unseen = v.members.filter((m) => m.state === 'unseen');
    if (unseen.length === 0) return undefined;
    return {
      headline: `cannot see ${listText(unseen.map((m) => (m.member === undefined ? (m.node ?? m.id) : `member ${memberName(v, m.member)}`)))}`,
      why: unseen.map((m) => m.why).join('; '),
      missing: unseen.map((m) => `${m.why}: fix that (talosconfig, --endpoints, the node list) and triage again`),
    };
  },
};

export const learner: Row = {
  id: 'learner',
  verdict: 'degraded',
  when: 'a member is still a learner (listed or in its own status)',
  action: 'member-not-syncing (it gives the learner time to be promoted before it makes it rejoin)',
  runbook: 'member-not-syncing',
  decide(v, o) {
    const obs = laggingMember.derive(v.reads, { nodes: v.controlPlane, maxLag: o.maxLag });
    const learners = v.members.filter((m) => m.learner || m.row?.learner === true);
    if (learners.length === 0 || !obs.ok || obs.outputs.learner !== true) return undefined;
    const node = String(obs.outputs.node);
    const member = String(obs.outputs.member);
    const lag = v.polls.map((p) => p.lag[member]?.lag);
    return {
      headline: `member ${member} on ${node} is a learner that has not been promoted`,
      why: `${obs.summary}; its lag was ${lag.map((l) => (l === undefined ? '?' : fmt(l))).join(' then ')} entries in the two polls`,
      subject: { node, member },
      first:
        'A learner that joined just now is promoted by Talos once it is in sync (seconds to a minute): if it joined just now, triage again in a minute. The runbook also waits before it makes the member rejoin.',
      params: { ...base(v), members: membersParam(v) },
    };
  },
};

/**
 * Whether a voter gained on the leader between the polls: by more than maxLag and a quarter of
 * its lag. A member held back by a slow link stays about as far behind under a steady load, and
 * its lag wobbles by a few entries with when each node is read: that is no catching up.
 */
function gained(c: { lag: number; before: number | undefined }, o: TriageOptions): boolean {
  return c.before !== undefined && c.before - c.lag > Math.max(o.maxLag, c.before / 4);
}

/** Voters behind the leader by more than maxLag in poll 2, with their lag in poll 1. */
function behind(v: ClusterView, o: TriageOptions) {
  const [a, b] = v.polls;
  return Object.entries(b.lag)
    .filter(([m, l]) => !l.learner && m !== b.leader?.member && l.lag > o.maxLag)
    .map(([member, l]) => ({ member, node: l.node, lag: l.lag, before: a.lag[member]?.lag }))
    .sort((x, y) => y.lag - x.lag);
}

export const lagging: Row = {
  id: 'lagging',
  verdict: 'degraded',
  when: 'a voter is more than maxLag entries behind the leader and did not gain on it between the polls (by more than maxLag and a quarter of its lag)',
  action: 'member-not-syncing with maxLag set to triage’s',
  runbook: 'member-not-syncing',
  decide(v, o) {
    const c = behind(v, o).find((x) => !gained(x, o));
    if (c === undefined) return undefined;
    const obs = laggingMember.derive(v.reads, { nodes: v.controlPlane, maxLag: o.maxLag });
    if (!obs.ok || obs.outputs.member !== c.member) return undefined;
    return {
      headline: `member ${c.member} on ${c.node} is falling behind the leader`,
      why: `${c.before === undefined ? '?' : fmt(c.before)} then ${fmt(c.lag)} entries behind (more than ${fmt(o.maxLag)}) in polls ${fmt(Math.round((v.polls[1].at - v.polls[0].at) / 100) / 10)} s apart`,
      subject: { node: c.node, member: c.member },
      first: `A member that stays behind is slowed by its disk or its network to the leader: look at talosctl -n ${c.node} logs etcd (slow fsync, dropped messages) before making it rejoin.`,
      params: { ...base(v), maxLag: String(o.maxLag), members: membersParam(v) },
    };
  },
};

export const catchingUp: Row = {
  id: 'catching-up',
  verdict: 'degraded',
  when: 'a voter is more than maxLag entries behind, but gained on the leader between the polls (by more than maxLag and a quarter of its lag)',
  action: 'no runbook: wait, and triage again in a minute',
  runbook: null,
  decide(v, o) {
    const c = behind(v, o)[0];
    if (c === undefined || c.before === undefined || !gained(c, o)) return undefined;
    return {
      headline: `member ${c.member} on ${c.node} is behind the leader but catching up`,
      why: `${fmt(c.before)} then ${fmt(c.lag)} entries behind (more than ${fmt(o.maxLag)})`,
      subject: { node: c.node, member: c.member },
      first: 'Nothing to do yet: triage again in a minute. If it stops gaining, it is lagging.',
    };
  },
};
