import { readsOf } from './reader.js';
import { defineCheck, listText, nodesArg, plural } from './verdict.js';
import { answers, failedJson, listsNotSeen, unionMembers } from './view.js';

/**
 * Every listed member has started: it has a name and client URLs (blank for added-not-started).
 * A member seen unstarted in any list fails it; it passes only when every node printed its list.
 */
export const allMembersStarted = defineCheck({
  name: 'all-members-started',
  reads: (args) => readsOf(['members'], nodesArg(args)),
  evaluate({ reads }, args) {
    const nodes = nodesArg(args);
    const a = answers(reads.members, nodes);
    // every list counts, not just the first to show a member: a list that shows it unstarted fails
    const unstartedIn = a.answered.flatMap(({ value }) =>
      value.filter((m) => m.name === '' || m.clientUrls.length === 0),
    );
    const members = unionMembers([{ node: '', value: unstartedIn }, ...a.answered]);
    const unstarted = members.filter((m) => unstartedIn.some((u) => u.id === m.id));
    const observed = {
      members: members.map((m) => ({ id: m.id, name: m.name, started: !unstarted.includes(m) })),
      unanswered: failedJson(a.failed),
    };
    const expected = 'every member started (name and client URLs set), in the list of every node';
    if (unstarted.length > 0) {
      const text = listText(unstarted.map((m) => `member ${m.id} (peer ${m.peerUrls.join(', ') || 'unknown'})`));
      const summary = `${text} ${unstarted.length === 1 ? 'has' : 'have'} not started`;
      return { verdict: 'fail', observed, expected: `${expected}, last saw ${summary}`, summary };
    }
    if (a.failed.length > 0)
      return {
        verdict: 'unknown',
        observed,
        expected,
        summary: listsNotSeen(
          a,
          `${plural(members.length, 'member')} started as ${listText(a.answered.map((x) => x.node))} list`,
        ),
      };
    return { verdict: 'pass', observed, expected, summary: `all ${plural(members.length, 'member')} have started` };
  },
});
