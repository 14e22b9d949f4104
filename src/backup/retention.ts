import { makeError } from '../io/errors.js';
import { KEEP_RULES, type KeepPolicy, type KeepRule } from './keep-policy.js';
import { type BackupRecord, isVerified, lastVerification } from './record.js';

/**
 * Which backups of one cluster retention keeps, and why — pure, so `prune --dry-run` shows the
 * very decisions `prune` carries out.
 *
 * restic's `forget`, over VERIFIED backups only: newest first, each rule keeps the newest backup
 * of each of its N newest buckets (UTC hour, day, ISO week, month, year; `last` is one bucket per
 * backup) that hold a verified backup, and when a rule has slots left after the oldest bucket it
 * also keeps the oldest verified backup (restic ≥ 0.17: the longest history the slots allow).
 * A backup that no verify has proven cannot take a slot: a corrupt object must never push a good
 * one out. The other entries:
 * - an unverified `ok` backup (never verified, or its last verify failed) is kept while it is not
 *   older than the oldest verified backup kept: a later verify may prove it, and dropping a
 *   recent one while keeping older ones is the opposite of retention. Older than that, the
 *   policy would not keep it even proven, so it goes.
 * - a failed run (no object, at most a log) older than the newest verified backup is history a
 *   good backup has since answered: it goes. Newer failed runs are the evidence of an ongoing
 *   failure (`backup status` reads them): kept.
 * Hard rules, over everything above: the newest verified backup is always kept; when the newest
 * run failed — its result is `failed`, or its object failed its last verify — or no backup is
 * verified at all, nothing is removed (the cron script that deleted the last good snapshot while
 * new ones were failing is what this replaces).
 */

export interface RetentionDecision {
  readonly record: BackupRecord;
  readonly keep: boolean;
  /** the line `prune` shows: `keep: newest verified, last 1/3, daily 2026-12-05` */
  readonly why: string;
}

export interface RetentionPlan {
  /** one per record, newest first */
  readonly decisions: readonly RetentionDecision[];
  /** why nothing at all may be removed (the newest run failed, nothing verified), else undefined */
  readonly frozen: string | undefined;
}

const DAY_MS = 86_400_000;
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2026-W49`: the ISO 8601 week-year and week (weeks start on Monday; week 1 holds a Thursday). */
export function isoWeek(d: Date): string {
  const day = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3));
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS));
  return `${year}-W${pad(week)}`;
}

/** The bucket a backup falls in for a calendar rule (UTC), as shown in `why`. */
export function bucketOf(rule: Exclude<KeepRule, 'last'>, d: Date): string {
  const y = pad(d.getUTCFullYear(), 4);
  const m = pad(d.getUTCMonth() + 1);
  const day = pad(d.getUTCDate());
  if (rule === 'hourly') return `${y}-${m}-${day}T${pad(d.getUTCHours())}`;
  if (rule === 'daily') return `${y}-${m}-${day}`;
  if (rule === 'weekly') return isoWeek(d);
  if (rule === 'monthly') return `${y}-${m}`;
  return y;
}

const timeOf = (r: BackupRecord): number => Date.parse(r.takenAt);

/** Newest first by `takenAt`, then by id (ids start with the time): one total order for every rule. */
export function newestFirst(records: readonly BackupRecord[]): BackupRecord[] {
  return [...records].sort((a, b) => timeOf(b) - timeOf(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** restic's pass over the verified backups (newest first): the reasons each one is kept or not. */
function applyRules(verified: readonly BackupRecord[], policy: KeepPolicy): { kept: string[]; missed: string[] }[] {
  const state = KEEP_RULES.map((rule) => ({ rule, left: policy[rule], last: undefined as string | undefined }));
  return verified.map((r, nr) => {
    const kept: string[] = [];
    const missed: string[] = [];
    const oldest = nr === verified.length - 1;
    for (const s of state) {
      if (policy[s.rule] === 0) continue;
      const val = s.rule === 'last' ? String(nr) : bucketOf(s.rule, new Date(timeOf(r)));
      const label =
        s.rule === 'last'
          ? `last ${nr + 1}${Number.isFinite(policy.last) ? `/${policy.last}` : ''}`
          : `${s.rule} ${val}`;
      if (s.left <= 0) missed.push(`${s.rule} slots full`);
      else if (val !== s.last) kept.push(label);
      else if (oldest) kept.push(`oldest ${label} (${s.rule} slots left)`);
      else missed.push(`${s.rule} ${val} has a newer one`);
      if (s.left > 0 && (val !== s.last || oldest)) {
        s.left -= 1;
        s.last = val;
      }
    }
    return { kept, missed };
  });
}

function unverifiedState(r: BackupRecord): string {
  const v = lastVerification(r);
  return v === undefined ? 'never verified' : `its last verify failed at ${v.at}`;
}

function frozenBy(newest: BackupRecord, verified: readonly BackupRecord[]): string | undefined {
  if (newest.result === 'failed') return `the newest run (${newest.id}) failed; nothing is removed until one succeeds`;
  if (lastVerification(newest)?.ok === false)
    return `the newest backup (${newest.id}) failed its verify; nothing is removed until one verifies`;
  if (verified.length === 0) return 'no backup is verified; nothing counts toward the policy';
  return undefined;
}

/**
 * Decides every record of ONE cluster (restic groups by host and paths; we group by cluster):
 * keep or remove, and why. Records whose time cannot be read are kept and left out of the rules.
 */
export function planRetention(records: readonly BackupRecord[], policy: KeepPolicy): RetentionPlan {
  const clusters = new Set(records.map((r) => r.cluster.id));
  if (clusters.size > 1)
    throw makeError('TDR_INTERNAL', { detail: `retention planned over ${clusters.size} clusters at once` });
  const unreadable = records.filter((r) => Number.isNaN(timeOf(r)));
  const sorted = newestFirst(records.filter((r) => !Number.isNaN(timeOf(r))));
  const odd = unreadable.map((record) => ({
    record,
    keep: true,
    why: `keep: its time ${JSON.stringify(record.takenAt)} cannot be read`,
  }));
  const newest = sorted[0];
  if (newest === undefined) return { decisions: odd, frozen: undefined };
  const verified = sorted.filter(isVerified);
  const frozen = frozenBy(newest, verified);
  if (frozen !== undefined)
    return { decisions: [...sorted.map((record) => ({ record, keep: true, why: `keep: ${frozen}` })), ...odd], frozen };

  const verdicts = applyRules(verified, policy);
  const ofVerified = new Map<BackupRecord, RetentionDecision>();
  verified.forEach((record, i) => {
    const v = verdicts[i] ?? { kept: [], missed: [] };
    const reasons = i === 0 ? ['newest verified', ...v.kept] : v.kept;
    ofVerified.set(record, {
      record,
      keep: reasons.length > 0,
      why: reasons.length > 0 ? `keep: ${reasons.join(', ')}` : `remove: not in policy (${v.missed.join(', ')})`,
    });
  });
  const newestVerified = verified[0] as BackupRecord;
  const oldestKept = verified.filter((r) => ofVerified.get(r)?.keep).at(-1) ?? newestVerified;
  const rank = new Map(sorted.map((r, i) => [r, i]));
  const olderThan = (a: BackupRecord, b: BackupRecord): boolean => (rank.get(a) ?? 0) > (rank.get(b) ?? 0);

  const decisions = sorted.map((record): RetentionDecision => {
    const known = ofVerified.get(record);
    if (known) return known;
    if (record.result === 'failed')
      return olderThan(record, newestVerified)
        ? { record, keep: false, why: `remove: failed run, older than the newest verified backup ${newestVerified.id}` }
        : { record, keep: true, why: 'keep: failed run after the newest verified backup (evidence)' };
    const state = unverifiedState(record);
    return olderThan(record, oldestKept)
      ? { record, keep: false, why: `remove: not verified (${state}), older than the oldest kept ${oldestKept.id}` }
      : { record, keep: true, why: `keep: not verified (${state}), not older than the oldest kept ${oldestKept.id}` };
  });
  return { decisions: [...decisions, ...odd], frozen: undefined };
}
