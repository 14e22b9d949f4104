import type { MemberStatus } from '../talos/observations.js';
import { readsOf } from './reader.js';
import { defineCheck, fmt, type Json, nodesArg, numberArg } from './verdict.js';
import { failedJson, failedText, statusRows } from './view.js';
import { memberText } from './words.js';

/** Default largest allowed raft index spread between the members. */
export const DEFAULT_MAX_SPREAD = 50;
/** Default number of consecutive polls that must be within the spread. */
export const DEFAULT_POLLS = 3;

/** What raft-converged carries from one poll to the next. */
export interface ConvergeState {
  streak: number;
  /** the spreads of the polls so far, newest last (at most `polls` kept); null = not every node answered */
  spreads: (number | null)[];
}

/** Reads a previous state defensively: anything odd starts a fresh count. */
export function readConvergeState(prev: Json | undefined): ConvergeState {
  if (typeof prev !== 'object' || prev === null || Array.isArray(prev)) return { streak: 0, spreads: [] };
  const streak = typeof prev.streak === 'number' && Number.isInteger(prev.streak) && prev.streak >= 0 ? prev.streak : 0;
  const spreads = Array.isArray(prev.spreads)
    ? prev.spreads.filter((s): s is number | null => s === null || typeof s === 'number')
    : [];
  return { streak, spreads };
}

/**
 * The raft index spread (max − min over every asked node) stays ≤ maxSpread for `polls`
 * consecutive polls. Each evaluation returns the new state; the caller passes it back as prev.
 * A poll counts only when every node showed its own status row; a spread beyond maxSpread among
 * the rows seen fails (more rows can only widen it); a poll with a node not seen is unknown and
 * starts the streak again (a wait must not move on over a member it could not see).
 */
export const raftConverged = defineCheck({
  name: 'raft-converged',
  reads: (args) => readsOf(['status'], nodesArg(args)),
  evaluate({ reads }, args, prev) {
    const nodes = nodesArg(args);
    const maxSpread = numberArg(args, 'maxSpread', DEFAULT_MAX_SPREAD);
    const polls = Math.max(1, numberArg(args, 'polls', DEFAULT_POLLS));
    const before = readConvergeState(prev);
    const rows = statusRows(reads, nodes);
    const indexes = rows.answered.map((r) => r.value.raftIndex);
    const complete = rows.failed.length === 0 && indexes.length > 0;
    // the spread of a subset is at most the spread of all: beyond maxSpread it already fails
    const seenSpread = indexes.length > 0 ? Math.max(...indexes) - Math.min(...indexes) : null;
    const spread = complete || (seenSpread !== null && seenSpread > maxSpread) ? seenSpread : null;
    const within = complete && spread !== null && spread <= maxSpread;
    const state: ConvergeState = {
      streak: within ? before.streak + 1 : 0,
      spreads: [...before.spreads, complete ? spread : null].slice(-polls),
    };
    const observed = {
      raftIndex: Object.fromEntries(rows.answered.map((r) => [r.node, r.value.raftIndex])),
      spread,
      streak: state.streak,
      unanswered: failedJson(rows.failed),
    };
    const expected = `raft index spread ≤ ${fmt(maxSpread)} over every node for ${fmt(polls)} consecutive polls`;
    const stateJson = state as unknown as Json;
    if (spread === null) {
      const summary =
        rows.answered.length === 0
          ? `no member answered etcd status: ${failedText(rows.failed)}`
          : `raft index spread ${fmt(seenSpread ?? 0)} among the members seen, but ${failedText(rows.failed)}; the streak starts again`;
      return { verdict: 'unknown', observed, state: stateJson, expected, summary };
    }
    if (!within) {
      const summary = `raft index spread is ${fmt(spread)} (> ${fmt(maxSpread)}): ${rangeText(rows.answered)}`;
      return {
        verdict: 'fail',
        observed,
        state: stateJson,
        expected: `${expected}, last saw spread ${fmt(spread)}`,
        summary,
      };
    }
    if (state.streak < polls) {
      const summary = `raft index spread is ${fmt(spread)} (${rangeText(rows.answered)}), within ${fmt(maxSpread)} for ${fmt(state.streak)} of ${fmt(polls)} polls`;
      return {
        verdict: 'fail',
        observed,
        state: stateJson,
        expected: `${expected}, last saw ${fmt(state.streak)} polls`,
        summary,
      };
    }
    const summary = `raft indexes converged: spread ${fmt(spread)} ≤ ${fmt(maxSpread)} for ${fmt(state.streak)} consecutive polls`;
    return { verdict: 'pass', observed, state: stateJson, expected, summary };
  },
});

/** The members furthest apart: "member a on n1 at 100 … member b on n2 at 5,100". */
function rangeText(rows: readonly { node: string; value: MemberStatus }[]): string {
  const sorted = [...rows].sort((x, y) => x.value.raftIndex - y.value.raftIndex);
  const [lo, hi] = [sorted[0], sorted.at(-1)];
  if (lo === undefined || hi === undefined) return 'no index seen';
  const at = (r: typeof lo) => `${memberText(r.value.member, r.node)} at ${fmt(r.value.raftIndex)}`;
  return lo === hi ? at(lo) : `${at(lo)} … ${at(hi)}`;
}
