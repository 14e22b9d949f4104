import { quorumLost } from '../checks/quorum-lost.js';
import { fmt, listText } from '../checks/verdict.js';
import { type ClusterView, LOST_STATES, type MemberSight, memberName } from './cluster-view.js';
import { SNAPSHOT_PLACEHOLDER } from './recommend.js';
import type { Decision, Row } from './row.js';

/**
 * The rows about quorum and the leader: nothing answered, quorum lost (and whether the machines
 * could come back), no leader among running members, a member cut off from the majority, and a
 * leader that keeps changing. They come first: every other runbook assumes a working quorum.
 */

const voters = (v: ClusterView): MemberSight[] => v.members.filter((m) => !m.learner);
/** lost voters needed before the rest cannot make a quorum */
const lossThreshold = (v: ClusterView): number => v.voters - v.quorum + 1;
const nodesOf = (ms: readonly MemberSight[]): string =>
  listText(ms.map((m) => m.node ?? m.id).filter((x, i, a) => a.indexOf(x) === i));

/** The run params every quorum-loss row recommends. */
function restoreParams(v: ClusterView): Decision['params'] {
  return { nodes: v.controlPlane.join(','), snapshot: SNAPSHOT_PLACEHOLDER.text, members: String(v.voters) };
}

/** Whether any read of any node came back with an answer. */
function anyAnswer(v: ClusterView): boolean {
  return Object.values(v.reads).some((byNode) => Object.values(byNode).some((r) => (r as { ok: boolean }).ok));
}

export const noAnswer: Row = {
  id: 'no-answer',
  verdict: 'cannot-tell',
  when: 'no node answered any read',
  action: 'nothing: from here a dead cluster cannot be told from a network, endpoint or talosconfig problem',
  runbook: null,
  decide(v) {
    if (anyAnswer(v)) return undefined;
    const why = v.members.map((m) => m.why).join('; ');
    return {
      headline: 'no node answered: cannot tell a dead cluster from a problem between this host and the nodes',
      why,
      missing: [
        `an answer from any of ${listText(v.nodes)}: check that this host reaches them (apid, port 50000), --endpoints, and the talosconfig (certificate, context)`,
      ],
    };
  },
};

/** Voters positively lost (not only timing out), and all lost ones. */
export function losses(v: ClusterView): { positive: MemberSight[]; all: MemberSight[] } {
  const all = voters(v).filter((m) => LOST_STATES.has(m.state));
  return { all, positive: all.filter((m) => m.state !== 'machine-timeout') };
}

export const quorumLostUnseen: Row = {
  id: 'quorum-lost-unseen',
  verdict: 'cannot-tell',
  when: 'quorum would be lost, but only if members whose machines time out are counted as lost',
  action: 'nothing destructive: a machine that times out may be alive behind a network cut from this host',
  runbook: null,
  decide(v) {
    const { positive, all } = losses(v);
    if (v.polls[1].leader !== undefined || all.length < lossThreshold(v) || positive.length >= lossThreshold(v))
      return undefined;
    const timing = all.filter((m) => m.state === 'machine-timeout');
    return {
      headline: `quorum looks lost from here, but ${nodesOf(timing)} only time out`,
      why: `${fmt(all.length)} of ${fmt(v.voters)} voters do not answer (quorum ${fmt(v.quorum)}): ${all.map((m) => m.why).join('; ')}. A timeout cannot tell a machine that is off from one cut off from this host, where the majority may still be working.`,
      missing: timing.map(
        (m) =>
          `whether ${m.node} is up: look at its console or reach it from another control plane node; then triage again (or with a longer --read-timeout)`,
      ),
    };
  },
};

/** Quorum is lost on positive evidence, as the restore runbook's own precondition sees it too. */
function positivelyLost(v: ClusterView): MemberSight[] | undefined {
  const { positive } = losses(v);
  if (v.polls[1].leader !== undefined || positive.length < lossThreshold(v)) return undefined;
  const check = quorumLost.evaluate({ reads: v.reads }, { nodes: v.controlPlane, voters: v.voters });
  return check.verdict === 'pass' ? positive : undefined;
}

export const quorumLostMachinesDown: Row = {
  id: 'quorum-lost-machines-down',
  verdict: 'degraded',
  when: 'too few voters answer to make a quorum, and the machines of some of them refuse every call (off)',
  action:
    'bring the machines back first (their etcd restarts on its data); restore-from-snapshot only if they cannot come back',
  runbook: 'restore-from-snapshot',
  decide(v) {
    const lost = positivelyLost(v);
    const off = lost?.filter((m) => m.state === 'machine-down') ?? [];
    if (lost === undefined || off.length === 0) return undefined;
    return {
      headline: `quorum is lost: ${fmt(lost.length)} of ${fmt(v.voters)} voters are down (quorum ${fmt(v.quorum)}), the machines of ${nodesOf(off)} are off`,
      why: lost.map((m) => m.why).join('; '),
      first: `Bring ${nodesOf(off)} back first (power on, reboot, fix the network): a member that restarts on its data brings quorum back with nothing lost; then run triage again. Restore from a snapshot ONLY if they cannot come back (machine or disk gone): a restore rolls the whole cluster back to the snapshot.`,
      params: restoreParams(v),
      placeholders: [SNAPSHOT_PLACEHOLDER],
    };
  },
};

export const quorumLostEtcdDown: Row = {
  id: 'quorum-lost',
  verdict: 'degraded',
  when: 'too few voters answer to make a quorum; their machines answer but their etcd is down, wiped or replaced',
  action: 'see why etcd is down there; if its data is gone, restore-from-snapshot',
  runbook: 'restore-from-snapshot',
  decide(v) {
    const lost = positivelyLost(v);
    if (lost === undefined) return undefined;
    return {
      headline: `quorum is lost: ${fmt(lost.length)} of ${fmt(v.voters)} voters are down (quorum ${fmt(v.quorum)}) while their machines answer`,
      why: lost.map((m) => m.why).join('; '),
      first: `Look at etcd on ${nodesOf(lost)} first (talosctl -n <node> service etcd; talosctl -n <node> logs etcd): if it can start on its data, let it; if the data is gone (wiped, replaced, waiting in Preparing), restore from the newest good snapshot.`,
      params: restoreParams(v),
      placeholders: [SNAPSHOT_PLACEHOLDER],
    };
  },
};

export const noLeader: Row = {
  id: 'no-leader',
  verdict: 'degraded',
  when: 'no leader has a quorum, yet enough voters run to make one (they know no leader or disagree)',
  action:
    'nothing destructive: the members cannot reach each other; fix the network between control planes (peer port 2380)',
  runbook: null,
  decide(v) {
    const p = v.polls[1];
    if (p.leader !== undefined || p.astray.length === 0) return undefined;
    if (voters(v).some((m) => m.state === 'unseen' || m.state === 'machine-timeout')) return undefined;
    return {
      headline: 'etcd runs, but no leader has a quorum: the members cannot reach each other',
      why: `${p.astray.map((a) => `member ${a.member} on ${a.node} ${a.leader === '0000000000000000' ? 'knows no leader' : `follows ${memberName(v, a.leader)}`}`).join('; ')}; ${fmt(v.voters)} voters, quorum ${fmt(v.quorum)}`,
      first:
        'Check the network between the control plane nodes (etcd peer port 2380: firewall, routes, MTU), their clocks, and `talosctl logs etcd`. The data is still there: do not restore or remove members while they cannot see each other.',
    };
  },
};

export const partition: Row = {
  id: 'partition',
  verdict: 'degraded',
  when: 'a quorum follows one stable leader while some answering voter knows no leader (or names another): it is cut off',
  action: 'nothing destructive on the cut-off member’s view; fix the network between it and the others',
  runbook: null,
  decide(v) {
    const [a, b] = v.polls;
    if (b.leader === undefined || b.astray.length === 0) return undefined;
    if (a.leader !== undefined && (a.leader.member !== b.leader.member || b.leader.term > a.leader.term))
      return undefined;
    const cut = b.astray[0];
    if (cut === undefined) return undefined;
    const also = a.astray.some((x) => x.member === cut.member) ? ' in both polls' : ' in the second poll';
    return {
      headline: `partition: member ${cut.member} on ${cut.node} is cut off from the majority`,
      why: `${b.astray.map((x) => `member ${x.member} on ${x.node} ${x.leader === '0000000000000000' ? 'knows no leader' : `names ${memberName(v, x.leader)}`}`).join('; ')}${also}, while ${listText(b.leader.followers)} follow leader ${memberName(v, b.leader.member)} (term ${fmt(b.leader.term)})`,
      subject: { node: cut.node, member: cut.member },
      first: `Fix the network between ${listText(b.astray.map((x) => x.node))} and the other control plane nodes (etcd peer port 2380). The majority keeps serving. Do not act on the view of ${listText(b.astray.map((x) => x.node))} (no restore, no member removal); run triage again once it is back.`,
    };
  },
};

export const leaderUnstable: Row = {
  id: 'leader-unstable',
  verdict: 'degraded',
  when: 'the leader or its term changed between the two polls (or poll 1 caught voters without a leader)',
  action: 'no runbook: frequent elections come from network or disk latency between control planes; find which',
  runbook: null,
  decide(v) {
    const [a, b] = v.polls;
    if (b.leader === undefined) return undefined;
    // a first poll that saw no leader only because reads failed says nothing about stability
    const electing = a.leader === undefined && a.astray.length > 0;
    const changed =
      electing || (a.leader !== undefined && (a.leader.member !== b.leader.member || b.leader.term > a.leader.term));
    if (!changed) return undefined;
    const before =
      a.leader === undefined
        ? `no leader had a quorum (${a.astray.map((x) => `${x.member} on ${x.node} knew none`).join(', ')})`
        : `leader ${memberName(v, a.leader.member)} (term ${fmt(a.leader.term)})`;
    return {
      headline: `the leader is unstable: ${before} in the first poll, leader ${memberName(v, b.leader.member)} (term ${fmt(b.leader.term)}) in the second`,
      why: `an election happened within ${fmt(Math.round((b.at - a.at) / 100) / 10)} s`,
      first:
        'Leader changes come from members missing heartbeats: check network latency and loss between control planes, disk latency (etcd WAL fsync) and CPU starvation on them, and `talosctl logs etcd` for "lost leader" / "elected leader". No runbook fixes this; run triage again to see whether it settles.',
    };
  },
};
