import { quorum } from './quorum-safe-to-remove.js';
import { readsOf } from './reader.js';
import { CheckArgError, defineCheck, fmt, listText, nodesArg, plural, stringArg } from './verdict.js';
import { answers, failedJson, failedText, NO_LEADER, statusRows, unionMembers } from './view.js';

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
 * - Voters come from the member lists (never from the number of nodes asked).
 * - A voter counts as healthy only with positive evidence: its own node answered `etcd status`,
 *   it is not a learner, and it names the leader most answering members name (never none).
 *   A node that did not answer, or answered with an error, is not evidence of health.
 * - member / node: the healthy voters OTHER than the target's member ≥ quorum of all voters.
 * - leadership: the healthy voters, target included, ≥ quorum, and another healthy voter exists
 *   to take the leadership over.
 *
 * Unknown (no member list at all) blocks like a fail: nothing was seen.
 */
export const quorumSafeToDisrupt = defineCheck({
  name: 'quorum-safe-to-disrupt',
  reads: (args) => readsOf(['members', 'status'], [...new Set([stringArg(args, 'node'), ...nodesArg(args)])]),
  evaluate({ reads }, args) {
    const target = stringArg(args, 'node');
    const mode = modeArg(args.mode);
    const nodes = [...new Set([target, ...nodesArg(args)])];
    const lists = answers(reads.members, nodes);
    const rows = statusRows(reads, nodes);
    const out = mode === 'leadership' ? 'the leadership moves' : `${target} is out of service`;
    const expected = `the cluster keeps quorum while ${out}`;
    if (lists.answered.length === 0)
      return {
        verdict: 'unknown',
        observed: { unanswered: failedJson(lists.failed) },
        expected,
        summary: `cannot tell whether quorum survives: no node listed the members (${failedText(lists.failed)})`,
      };
    const voters = unionMembers(lists.answered).filter((m) => !m.learner);
    const voterIds = new Set(voters.map((m) => m.id));
    const leaderVotes = new Map<string, number>();
    for (const r of rows.answered)
      if (voterIds.has(r.value.member) && r.value.leader !== NO_LEADER && r.value.leader !== '')
        leaderVotes.set(r.value.leader, (leaderVotes.get(r.value.leader) ?? 0) + 1);
    const leader = [...leaderVotes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    const healthy = new Set(
      rows.answered
        .filter((r) => voterIds.has(r.value.member) && !r.value.learner && r.value.leader === leader)
        .map((r) => r.value.member),
    );
    const targetRow = rows.answered.find((r) => r.node === target);
    const targetMember = targetRow?.value.member;
    const others = [...healthy].filter((m) => m !== targetMember);
    const need = quorum(voters.length);
    const unseen = voters.map((m) => m.id).filter((id) => !healthy.has(id));
    const observed = {
      node: target,
      mode,
      targetMember: targetMember ?? null,
      voters: voters.map((m) => m.id),
      quorum: need,
      leader: leader ?? null,
      healthyVoters: [...healthy],
      notSeenHealthy: unseen,
      unanswered: failedJson([...lists.failed, ...rows.failed]),
    };
    const why =
      unseen.length === 0
        ? ''
        : `; not seen healthy: ${listText(unseen)}${rows.failed.length > 0 ? ` (${failedText(rows.failed)})` : ''}`;
    const who = targetMember === undefined ? `${target} (its member not identified)` : `${targetMember} on ${target}`;
    if (mode === 'leadership') {
      const ok = healthy.size >= need && others.length >= 1;
      const summary = `${fmt(healthy.size)} of ${plural(voters.length, 'voter')} healthy (quorum ${fmt(need)}), ${fmt(others.length)} besides ${who} to take the leadership${why}`;
      return ok
        ? { verdict: 'pass', observed, expected, summary: `${summary}: safe` }
        : {
            verdict: 'fail',
            observed,
            expected,
            summary: `${summary}: moving the leadership could leave the cluster without one`,
          };
    }
    const summary = `with ${who} out, ${fmt(others.length)} of ${plural(voters.length, 'voter')} stay healthy (quorum ${fmt(need)})${why}`;
    return others.length >= need
      ? { verdict: 'pass', observed, expected, summary: `${summary}: safe` }
      : { verdict: 'fail', observed, expected, summary: `${summary}: the cluster would lose quorum` };
  },
});
