import type { Member } from '../talos/observations.js';
import { quorum } from './quorum-safe-to-remove.js';
import { readsOf } from './reader.js';
import { CheckArgError, defineCheck, fmt, nodesArg, plural, stringArg } from './verdict.js';
import {
  failedJson,
  NO_LEADER,
  nodeOfMember,
  sightVoters,
  statusRows,
  unionMembers,
  urlHost,
  voterLists,
} from './view.js';
import { leaderText, memberText } from './words.js';

/** What a disruptive command takes out of service, as the registry says (src/talos/commands.ts). */
export const DISRUPTION_MODES = ['member', 'leadership', 'node'] as const;
type Mode = (typeof DISRUPTION_MODES)[number];

function modeArg(v: unknown): Mode {
  if (typeof v === 'string' && (DISRUPTION_MODES as readonly string[]).includes(v)) return v as Mode;
  throw new CheckArgError(`argument "mode" must be one of ${DISRUPTION_MODES.join(', ')}`);
}

/**
 * The fresh quorum check the compiler puts right before every disruptive command: on live reads,
 * the cluster keeps quorum while the command's target is out.
 *
 * - Voters come from every node's member list (never from the number of nodes asked); a list not
 *   seen, but from a node whose etcd is positively silent, leaves the count unknown.
 * - A voter counts as healthy only with positive evidence: its own node answered `etcd status`,
 *   it is not a learner, and it names the leader most answering members name (never none).
 *   Anything not seen counts as not healthy: the safe direction, so a pass may rest on a subset.
 * - member / node: the healthy voters OTHER than the target's member ≥ quorum of all voters.
 * - leadership: the healthy voters, target included, ≥ quorum, and another healthy voter exists
 *   to take the leadership over.
 * - It fails when even the voters not seen (PermissionDenied, output not understood, a missing
 *   row, a timeout) could not make it safe; otherwise they leave it unknown. Both block.
 */
export const quorumSafeToDisrupt = defineCheck({
  name: 'quorum-safe-to-disrupt',
  reads: (args) => readsOf(['members', 'status'], [...new Set([stringArg(args, 'node'), ...nodesArg(args)])]),
  evaluate({ reads }, args) {
    const target = stringArg(args, 'node');
    const mode = modeArg(args.mode);
    const nodes = [...new Set([target, ...nodesArg(args)])];
    const { lists, unseen: listsUnseen } = voterLists(reads, nodes);
    const rows = statusRows(reads, nodes);
    const out = mode === 'leadership' ? `${target} hands the leadership over` : `${target} is out of service`;
    const expected = `the cluster keeps quorum while ${out}`;
    if (listsUnseen !== undefined)
      return {
        verdict: 'unknown',
        observed: { unanswered: failedJson(lists.failed) },
        expected,
        summary: `cannot tell whether quorum survives while ${out}: ${listsUnseen}`,
      };
    const voters = unionMembers(lists.answered).filter((m) => !m.learner);
    const voterIds = new Set(voters.map((m) => m.id));
    const leaderVotes = new Map<string, number>();
    for (const r of rows.answered)
      if (voterIds.has(r.value.member) && r.value.leader !== NO_LEADER && r.value.leader !== '')
        leaderVotes.set(r.value.leader, (leaderVotes.get(r.value.leader) ?? 0) + 1);
    const leader = [...leaderVotes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const sights = sightVoters(voters, rows, lists.answered, nodes, (row) => {
      if (row.learner) return `member ${row.member} on ${row.node} is a learner`;
      if (row.leader === NO_LEADER || row.leader === '') return `member ${row.member} on ${row.node} knows no leader`;
      if (row.leader !== leader)
        return `member ${row.member} on ${row.node} names ${leaderText(row.leader, nodeOfMember(row.leader, rows.answered, lists.answered, nodes))}`;
      return undefined;
    });
    const healthy = new Set(sights.filter((s) => s.state === 'healthy').map((s) => s.id));
    const unseenSights = sights.filter((s) => s.state === 'unseen');
    const targetRow = rows.answered.find((r) => r.node === target);
    const targetMember = targetRow?.value.member ?? memberAt(voters, target);
    const others = [...healthy].filter((m) => m !== targetMember);
    const unseenOthers = unseenSights.filter((s) => s.id !== targetMember);
    const need = quorum(voters.length);
    const notHealthy = voters.map((m) => m.id).filter((id) => !healthy.has(id));
    const observed = {
      node: target,
      mode,
      targetMember: targetMember ?? null,
      voters: voters.map((m) => m.id),
      quorum: need,
      leader: leader ?? null,
      healthyVoters: [...healthy],
      notSeenHealthy: notHealthy,
      unanswered: failedJson([...lists.failed, ...rows.failed]),
    };
    const why =
      notHealthy.length === 0
        ? ''
        : `; not seen healthy: ${sights
            .filter((s) => s.state !== 'healthy')
            .map((s) => s.why)
            .join('; ')}`;
    const who = targetMember === undefined ? `${target} (its member not identified)` : memberText(targetMember, target);
    if (mode === 'leadership') {
      const ok = healthy.size >= need && others.length >= 1;
      const summary = `${fmt(healthy.size)} of ${plural(voters.length, 'voter')} healthy (quorum ${fmt(need)}), ${fmt(others.length)} besides ${who} to take the leadership${why}`;
      if (ok) return { verdict: 'pass', observed, expected, summary: `${summary}: safe` };
      const could = healthy.size + unseenSights.length >= need && others.length + unseenOthers.length >= 1;
      return could
        ? { verdict: 'unknown', observed, expected, summary: `${summary}: cannot tell without the voters not seen` }
        : {
            verdict: 'fail',
            observed,
            expected,
            summary: `${summary}: moving the leadership could leave the cluster without one`,
          };
    }
    const summary = `with ${who} out, ${fmt(others.length)} of ${plural(voters.length, 'voter')} stay healthy (quorum ${fmt(need)})${why}`;
    if (others.length >= need) return { verdict: 'pass', observed, expected, summary: `${summary}: safe` };
    return others.length + unseenOthers.length >= need
      ? { verdict: 'unknown', observed, expected, summary: `${summary}: cannot tell without the voters not seen` }
      : { verdict: 'fail', observed, expected, summary: `${summary}: the cluster would lose quorum` };
  },
});

/** The voter whose peer or client URL is on `node`, when exactly one is. */
function memberAt(voters: readonly Member[], node: string): string | undefined {
  const at = voters.filter((m) => [...m.peerUrls, ...m.clientUrls].some((u) => urlHost(u) === node));
  return at.length === 1 ? at[0]?.id : undefined;
}
