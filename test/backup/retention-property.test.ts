import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEEP_RULES, type KeepPolicy, type KeepRule } from '../../src/backup/keep-policy.js';
import type { BackupRecord } from '../../src/backup/record.js';
import { planRetention } from '../../src/backup/retention.js';
import { scaled } from '../helpers/scale.js';
import { TEST_SEED } from '../setup/hermetic.js';
import { type Kind, makeRecord } from './retention-records.js';

/**
 * Retention over random histories (failed, unverified, verified, verify failed; gaps of days,
 * several runs a day, equal times; random policies): the kept set is exactly the one a plain
 * reference computes, written here apart from the module (group by bucket, take the first N).
 * Seeded like every random test: FC_SEED replays this file, FC_RUNS sets the runs (2 000 in the
 * properties project, 300 in unit: test/helpers/scale.ts).
 */

const seed = Number(process.env.FC_SEED ?? TEST_SEED);
const numRuns = Number(
  process.env.FC_RUNS ?? (process.env.TALOS_DR_RELIABILITY === '1' ? 100_000 : scaled(2_000, 300)),
);

/** ISO week by counting from the Monday of week 1 (the week that holds 4 January). */
function referenceWeek(t: number): string {
  const mondayOfWeek1 = (year: number) => {
    const jan4 = Date.UTC(year, 0, 4);
    return jan4 - ((new Date(jan4).getUTCDay() + 6) % 7) * 86_400_000;
  };
  const dayStart = t - (t % 86_400_000);
  let year = new Date(t).getUTCFullYear() + 1;
  while (mondayOfWeek1(year) > dayStart) year--;
  const week = Math.floor((dayStart - mondayOfWeek1(year)) / (7 * 86_400_000)) + 1;
  return `${year}-W${week < 10 ? '0' : ''}${week}`;
}

function referenceKey(rule: Exclude<KeepRule, 'last'>, at: string): string {
  const iso = new Date(at).toISOString(); // YYYY-MM-DDTHH:mm:ss.sssZ, years 2000–2099 here
  if (rule === 'hourly') return iso.slice(0, 13);
  if (rule === 'daily') return iso.slice(0, 10);
  if (rule === 'monthly') return iso.slice(0, 7);
  if (rule === 'yearly') return iso.slice(0, 4);
  return referenceWeek(Date.parse(at));
}

const verifiedOk = (r: BackupRecord) => r.result === 'ok' && r.verifications[r.verifications.length - 1]?.ok === true;

/** The ids the policy keeps, computed plainly. */
function referenceKept(records: readonly BackupRecord[], policy: KeepPolicy): Set<string> {
  const all = new Set(records.map((r) => r.id));
  // oldest first by (time, id), then reversed: newest first
  const sorted = [...records]
    .sort((a, b) =>
      a.takenAt === b.takenAt ? a.id.localeCompare(b.id) : Date.parse(a.takenAt) - Date.parse(b.takenAt),
    )
    .reverse();
  const newest = sorted[0];
  if (newest === undefined) return all;
  if (newest.result === 'failed' || newest.verifications[newest.verifications.length - 1]?.ok === false) return all;
  const verified = sorted.filter(verifiedOk);
  if (verified.length === 0) return all;

  const kept = new Set<string>([verified[0]?.id ?? '']);
  for (const rule of KEEP_RULES) {
    const n = policy[rule];
    if (n === 0) continue;
    if (rule === 'last') {
      for (const r of verified.slice(0, n)) kept.add(r.id);
      continue;
    }
    const newestPerBucket = new Map<string, BackupRecord>();
    for (const r of verified) {
      const key = referenceKey(rule, r.takenAt);
      if (!newestPerBucket.has(key)) newestPerBucket.set(key, r);
    }
    for (const r of [...newestPerBucket.values()].slice(0, n)) kept.add(r.id);
    // slots left after every bucket: restic keeps the oldest one too
    if (newestPerBucket.size < n) kept.add(verified[verified.length - 1]?.id ?? '');
  }
  const position = (id: string) => sorted.findIndex((r) => r.id === id);
  const newestVerifiedAt = position(verified[0]?.id ?? '');
  const oldestKeptAt = Math.max(...[...kept].map(position));
  sorted.forEach((r, i) => {
    if (verifiedOk(r)) return;
    if (r.result === 'failed' ? i < newestVerifiedAt : i <= oldestKeptAt) kept.add(r.id);
  });
  return kept;
}

const KINDS: Kind[] = ['failed', 'unverified', 'verified', 'verify-failed', 'reverified', 'went-bad'];
const entry = fc.record({
  gapDays: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 5, arbitrary: fc.nat(3) }, fc.nat(60)),
  minute: fc.oneof(fc.constant(120), fc.nat(24 * 60 - 1)),
  kind: fc.oneof(
    { weight: 6, arbitrary: fc.constant<Kind>('verified') },
    { weight: 1, arbitrary: fc.constantFrom(...KINDS) },
  ),
});
const history = fc
  .tuple(
    fc.integer({ min: Date.UTC(2001, 0, 1), max: Date.UTC(2090, 0, 1) }),
    fc.array(entry, { maxLength: 80, size: 'medium' }),
  )
  .map(([start, entries]) => {
    let day = start - (start % 86_400_000);
    return entries.map((e, i) => {
      day += e.gapDays * 86_400_000;
      return makeRecord(new Date(day + e.minute * 60_000).toISOString(), e.kind, i);
    });
  });
const count = fc.oneof(
  { weight: 4, arbitrary: fc.constant(0) },
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 8 }) },
  { weight: 1, arbitrary: fc.constant(Number.POSITIVE_INFINITY) },
);
const policy = fc
  .record({ last: count, hourly: count, daily: count, weekly: count, monthly: count, yearly: count })
  .filter((p) => KEEP_RULES.some((r) => p[r] !== 0));

describe(`retention properties (seed ${seed}, ${numRuns} runs; FC_SEED=${seed} to replay)`, () => {
  it('keeps exactly the reference set; never the newest verified; nothing when the newest failed', () => {
    const tally = { frozen: 0, removed: 0, pruned: 0, records: 0, started: Date.now() };
    fc.assert(
      fc.property(history, policy, fc.nat(), (records, p, shuffle) => {
        // the input order is not the catalog's: rotate it
        const input = [
          ...records.slice(shuffle % (records.length || 1)),
          ...records.slice(0, shuffle % (records.length || 1)),
        ];
        const plan = planRetention(input, p);
        expect(plan.decisions.map((d) => d.record.id).sort()).toEqual(records.map((r) => r.id).sort());
        const kept = new Set(plan.decisions.filter((d) => d.keep).map((d) => d.record.id));
        expect([...kept].sort()).toEqual([...referenceKept(records, p)].sort());
        for (const d of plan.decisions) expect(d.why.startsWith(d.keep ? 'keep: ' : 'remove: ')).toBe(true);

        const byTime = [...records].sort(
          (a, b) => Date.parse(b.takenAt) - Date.parse(a.takenAt) || (a.id < b.id ? 1 : -1),
        );
        const newestVerified = byTime.find(verifiedOk);
        if (newestVerified) expect(kept.has(newestVerified.id)).toBe(true);
        if (byTime[0]?.result === 'failed') expect(kept.size).toBe(records.length);
        tally.frozen += plan.frozen ? 1 : 0;
        tally.removed += records.length - kept.size;
        tally.pruned += kept.size < records.length ? 1 : 0;
        tally.records += records.length;
      }),
      { seed, numRuns },
    );
    process.stdout.write(
      `retention-property: ${numRuns} histories, ${tally.records} records, ${tally.removed} removed in ${tally.pruned} histories, ${tally.frozen} frozen, ${Date.now() - tally.started} ms\n`,
    );
    // the generator reaches both sides of every rule
    expect(tally.pruned).toBeGreaterThan(numRuns / 3);
    expect(tally.frozen).toBeGreaterThan(numRuns / 40); // ~6.5% of histories: far from flaky
  });
});
