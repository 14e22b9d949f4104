import { fmt } from '../checks/verdict.js';
import { humanizeBytes } from '../lab/format.js';
import { electionsBetween, type Figures } from './figures.js';
import type { Triage } from './model.js';

/**
 * `talos-dr watch`: what changed from one round to the next — the verdict, the leader (and how
 * many elections), members that stop or start answering, alarms raised or cleared, DB growth per
 * hour, and the lag trend — as short lines a responder can leave running in a terminal.
 */

const HOUR_MS = 3_600_000;

/** DB SIZE change per hour since the previous round, by member id (members answering in both). */
export function growthPerHour(prev: Figures | undefined, cur: Figures): Record<string, number> {
  if (prev === undefined || cur.at <= prev.at) return {};
  const out: Record<string, number> = {};
  for (const m of cur.members) {
    const before = prev.members.find((p) => p.member === m.member)?.dbSizeBytes;
    if (m.dbSizeBytes === undefined || before === undefined) continue;
    out[m.member] = ((m.dbSizeBytes - before) / (cur.at - prev.at)) * HOUR_MS;
  }
  return out;
}

/** Leader changes within this round and since the previous one. */
export function leaderChanges(prev: Figures | undefined, cur: Figures): number {
  return cur.elections + (prev === undefined ? 0 : electionsBetween(prev.leader, cur.firstLeader));
}

const short = (id: string): string => id.slice(0, 8);
/** ` on <node>` when the round placed the leader: the responder looks at a machine, not an id */
const on = (l: { node?: string }): string => (l.node === undefined ? '' : ` on ${l.node}`);
const signed = (bytes: number): string => `${bytes < 0 ? '-' : '+'}${humanizeBytes(Math.round(Math.abs(bytes)))}`;

/** One line for the round: time, verdict, leader, the fullest member, the largest lag. */
export function roundLine(t: Triage, f: Figures): string {
  const time = `${new Date(f.at).toISOString().slice(11, 19)}Z`;
  const leader = f.leader ? `leader ${short(f.leader.member)}${on(f.leader)} term ${fmt(f.leader.term)}` : 'NO LEADER';
  const fullest = [...f.members].sort((a, b) => (b.quotaUseRatio ?? -1) - (a.quotaUseRatio ?? -1))[0];
  const db =
    fullest?.dbSizeBytes === undefined
      ? 'DB not read'
      : `DB ${humanizeBytes(fullest.dbSizeBytes)} (${((fullest.quotaUseRatio ?? 0) * 100).toFixed(1)}% of quota) on ${fullest.node}`;
  const lags = f.members.flatMap((m) => (m.lag === undefined ? [] : [m.lag]));
  const lag = lags.length === 0 ? 'lag not read' : `lag max ${fmt(Math.max(...lags))}`;
  const answering = `${f.membersAnswering}/${f.members.length} answering`;
  return `${time}  ${t.verdict.toUpperCase().padEnd(11)} ${leader} · ${answering} · ${db} · ${lag}`;
}

/** What changed since the previous round, one line each (none on the first round). */
export function changes(prev: Figures | undefined, cur: Figures): string[] {
  if (prev === undefined) return [];
  const out: string[] = [];
  if (prev.verdict !== cur.verdict || prev.row !== cur.row)
    out.push(`verdict ${prev.verdict} (${prev.row}) → ${cur.verdict} (${cur.row})`);
  const n = leaderChanges(prev, cur);
  if (n > 0 || prev.leader?.member !== cur.leader?.member)
    out.push(
      `leader ${prev.leader ? `${prev.leader.member}${on(prev.leader)} (term ${fmt(prev.leader.term)})` : 'none'} → ${cur.leader ? `${cur.leader.member}${on(cur.leader)} (term ${fmt(cur.leader.term)})` : 'none'}: ${fmt(n)} election${n === 1 ? '' : 's'} seen`,
    );
  for (const m of cur.members) {
    const p = prev.members.find((x) => x.member === m.member);
    if (p !== undefined && p.answering !== m.answering)
      out.push(`member ${m.member} on ${m.node} ${m.answering ? 'answers again' : 'stopped answering'}`);
    if (p?.lag !== undefined && m.lag !== undefined && p.lag !== m.lag && Math.max(p.lag, m.lag) > 0)
      out.push(
        `lag of ${m.member} on ${m.node}: ${fmt(p.lag)} → ${fmt(m.lag)} (${m.lag > p.lag ? 'falling behind' : 'catching up'})`,
      );
    if (p === undefined) out.push(`member ${m.member} on ${m.node} appeared`);
  }
  for (const p of prev.members)
    if (!cur.members.some((m) => m.member === p.member))
      out.push(`member ${p.member} on ${p.node} is no longer listed`);
  for (const [member, perHour] of Object.entries(growthPerHour(prev, cur)))
    if (Math.abs(perHour) >= 1) out.push(`DB of ${member}: ${signed(perHour)}/h`);
  for (const kind of new Set([...Object.keys(prev.alarms), ...Object.keys(cur.alarms)])) {
    const [a, b] = [prev.alarms[kind] ?? 0, cur.alarms[kind] ?? 0];
    if (a !== b) out.push(b > a ? `${kind} raised (${b} member${b === 1 ? '' : 's'})` : `${kind} cleared`);
  }
  return out;
}
