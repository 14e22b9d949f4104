import { describe, expect, it } from 'vitest';
import { formatKeepPolicy, keepPolicyFromFlags, parseKeepPolicy } from '../../src/backup/keep-policy.js';
import { isoWeek, planRetention } from '../../src/backup/retention.js';
import { type Kind, makeRecord } from './retention-records.js';

/** Retention by example: restic's documented cases, the hard rules, and the policy's grammar. */

const policy = (s: string) => parseKeepPolicy(s);
const history = (entries: [string, Kind][]) => entries.map(([at, kind], i) => makeRecord(at, kind, i));
const keptTimes = (p: ReturnType<typeof planRetention>) =>
  p.decisions
    .filter((d) => d.keep)
    .map((d) => d.record.takenAt)
    .sort();
const whyOf = (p: ReturnType<typeof planRetention>) =>
  Object.fromEntries(p.decisions.map((d) => [d.record.takenAt.slice(0, 16), d.why]));

describe('restic forget, documented examples (doc/060_forget.rst), over verified backups', () => {
  it('--keep-daily 5 over two weeks of weekday backups with a missed Wednesday', () => {
    const times = [
      '2025-04-21T11:00:00Z',
      '2025-04-22T11:00:00Z',
      '2025-04-23T11:00:00Z',
      '2025-04-24T11:00:00Z',
      '2025-04-25T11:00:00Z',
      '2025-04-25T23:00:00Z',
      '2025-04-28T11:00:00Z',
      '2025-04-29T11:00:00Z',
      '2025-05-01T11:00:00Z',
      '2025-05-02T11:00:00Z',
      '2025-05-02T23:00:00Z',
    ];
    const p = planRetention(history(times.map((t) => [t, 'verified'])), policy('daily=5'));
    expect(keptTimes(p)).toEqual([
      '2025-04-25T23:00:00Z',
      '2025-04-28T11:00:00Z',
      '2025-04-29T11:00:00Z',
      '2025-05-01T11:00:00Z',
      '2025-05-02T23:00:00Z',
    ]);
    expect(whyOf(p)).toMatchObject({
      '2025-05-02T23:00': 'keep: newest verified, daily 2025-05-02',
      '2025-05-02T11:00': 'remove: not in policy (daily 2025-05-02 has a newer one)',
      '2025-04-25T23:00': 'keep: daily 2025-04-25',
      '2025-04-25T11:00': 'remove: not in policy (daily slots full)',
    });
  });

  it('100 years of daily backups, --keep-daily 7 --keep-weekly 5 --keep-monthly 12 --keep-yearly 75', () => {
    // ends on Sunday 2017-12-31: the 7 dailies hold 1 weekly, 1 monthly and 1 yearly
    const records = [];
    for (let t = Date.UTC(1918, 0, 1, 2), i = 0; t <= Date.UTC(2017, 11, 31, 2); t += 86_400_000, i++)
      records.push(makeRecord(new Date(t).toISOString(), 'verified', i));
    const p = planRetention(records, policy('daily=7,weekly=5,monthly=12,yearly=75'));
    const count = (rule: string) => p.decisions.filter((d) => d.keep && d.why.includes(` ${rule} `)).length;
    expect([count('daily'), count('weekly'), count('monthly'), count('yearly')]).toEqual([7, 5, 12, 75]);
    // "7 daily and 4 last-day-of-the-week ones … 12 or 11 … 75 or 74": here 7 + 4 + 11 + 74
    expect(p.decisions.filter((d) => d.keep)).toHaveLength(96);
    expect(p.decisions.find((d) => d.record.takenAt.startsWith('1943-12-31'))?.why).toBe('keep: yearly 1943');
    expect(p.decisions.find((d) => d.record.takenAt.startsWith('1942-12-31'))?.why).toBe(
      'remove: not in policy (daily slots full, weekly slots full, monthly slots full, yearly slots full)',
    );
  });

  it('keeps the oldest backup while a rule has slots left (restic ≥ 0.17)', () => {
    const p = planRetention(
      history([
        ['2026-01-05T02:00:00Z', 'verified'],
        ['2026-01-06T02:00:00Z', 'verified'],
        ['2026-01-06T14:00:00Z', 'verified'],
      ]),
      policy('monthly=3'),
    );
    expect(whyOf(p)).toEqual({
      '2026-01-06T14:00': 'keep: newest verified, monthly 2026-01',
      '2026-01-06T02:00': 'remove: not in policy (monthly 2026-01 has a newer one)',
      '2026-01-05T02:00': 'keep: oldest monthly 2026-01 (monthly slots left)',
    });
  });
});

describe('what only verified backups may do', () => {
  it('an unverified or failed-verify backup takes no slot; kept only inside the kept window', () => {
    const p = planRetention(
      history([
        ['2026-03-01T02:00:00Z', 'verified'],
        ['2026-03-01T12:00:00Z', 'unverified'],
        ['2026-03-02T02:00:00Z', 'verified'],
        ['2026-03-03T02:00:00Z', 'verify-failed'],
        ['2026-03-04T02:00:00Z', 'failed'],
        ['2026-03-05T02:00:00Z', 'verified'],
        ['2026-03-06T02:00:00Z', 'failed'],
        ['2026-03-07T02:00:00Z', 'unverified'],
      ]),
      policy('last=2'),
    );
    expect(whyOf(p)).toEqual({
      '2026-03-07T02:00':
        'keep: not verified (never verified), not older than the oldest kept 20260302T020000Z-000000000002',
      '2026-03-06T02:00': 'keep: failed run after the newest verified backup (evidence)',
      '2026-03-05T02:00': 'keep: newest verified, last 1/2',
      '2026-03-04T02:00': 'remove: failed run, older than the newest verified backup 20260305T020000Z-000000000005',
      '2026-03-03T02:00':
        'keep: not verified (its last verify failed at 2026-03-03T02:01:00.000Z), not older than the oldest kept 20260302T020000Z-000000000002',
      '2026-03-02T02:00': 'keep: last 2/2',
      '2026-03-01T12:00':
        'remove: not verified (never verified), older than the oldest kept 20260302T020000Z-000000000002',
      '2026-03-01T02:00': 'remove: not in policy (last slots full)',
    });
  });

  it('a backup verified again after a failed verify counts; one that went bad does not', () => {
    const p = planRetention(
      history([
        ['2026-03-01T02:00:00Z', 'reverified'],
        ['2026-03-02T02:00:00Z', 'went-bad'],
        ['2026-03-03T02:00:00Z', 'verified'],
      ]),
      policy('last=2'),
    );
    expect(keptTimes(p)).toEqual(['2026-03-01T02:00:00Z', '2026-03-02T02:00:00Z', '2026-03-03T02:00:00Z']);
    expect(whyOf(p)['2026-03-01T02:00']).toBe('keep: last 2/2');
  });
});

describe('hard rules', () => {
  const old = (kind: Kind): [string, Kind][] => [
    ['2026-01-01T02:00:00Z', 'verified'],
    ['2026-01-02T02:00:00Z', 'verified'],
    ['2026-01-03T02:00:00Z', 'failed'],
    ['2026-01-04T02:00:00Z', kind],
  ];

  it('removes nothing when the newest run failed', () => {
    const p = planRetention(history(old('failed')), policy('last=1'));
    expect(p.frozen).toBe(
      'the newest run (20260104T020000Z-000000000003) failed; nothing is removed until one succeeds',
    );
    expect(p.decisions.every((d) => d.keep && d.why === `keep: ${p.frozen}`)).toBe(true);
  });

  it('removes nothing when the newest backup failed its verify', () => {
    const p = planRetention(history(old('verify-failed')), policy('last=1'));
    expect(p.frozen).toMatch(/^the newest backup \(20260104T020000Z-000000000003\) failed its verify;/);
    expect(p.decisions.filter((d) => !d.keep)).toEqual([]);
  });

  it('removes nothing while no backup is verified', () => {
    const p = planRetention(
      history([
        ['2026-01-01T02:00:00Z', 'failed'],
        ['2026-01-02T02:00:00Z', 'unverified'],
      ]),
      policy('last=1'),
    );
    expect(p.frozen).toBe('no backup is verified; nothing counts toward the policy');
    expect(p.decisions.filter((d) => !d.keep)).toEqual([]);
  });

  it('keeps the newest verified backup even behind a newer unverified one', () => {
    const p = planRetention(history(old('unverified')), policy('last=1'));
    expect(whyOf(p)).toMatchObject({
      '2026-01-02T02:00': 'keep: newest verified, last 1/1',
      '2026-01-01T02:00': 'remove: not in policy (last slots full)',
    });
  });

  it('keeps a record whose time cannot be read, outside the rules', () => {
    const bad = { ...makeRecord('2026-01-05T02:00:00Z', 'verified', 9), takenAt: 'yesterday' };
    const p = planRetention([...history(old('verified')), bad], policy('last=1'));
    expect(p.decisions.at(-1)).toEqual({ record: bad, keep: true, why: 'keep: its time "yesterday" cannot be read' });
    expect(p.decisions.filter((d) => d.keep).map((d) => d.record.takenAt)).toEqual([
      '2026-01-04T02:00:00Z',
      'yesterday',
    ]);
  });

  it('plans one cluster at a time: two are refused as a bug, never mixed', () => {
    const two = [
      makeRecord('2026-01-01T02:00:00Z', 'verified', 1, 'a'),
      makeRecord('2026-01-02T02:00:00Z', 'failed', 2, 'b'),
    ];
    expect(() => planRetention(two, policy('last=1'))).toThrow(
      'internal error: retention planned over 2 clusters at once',
    );
  });

  it('an empty catalog is an empty plan', () => {
    expect(planRetention([], policy('last=1'))).toEqual({ decisions: [], frozen: undefined });
  });
});

describe('ISO weeks (UTC)', () => {
  it.each([
    ['2020-12-31T23:59:59Z', '2020-W53'],
    ['2021-01-03T12:00:00Z', '2020-W53'],
    ['2021-01-04T00:00:00Z', '2021-W01'],
    ['2024-12-30T00:00:00Z', '2025-W01'],
    ['2026-01-01T00:00:00Z', '2026-W01'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
    ['2026-12-05T10:00:00Z', '2026-W49'],
  ])('%s is in %s', (at, week) => {
    expect(isoWeek(new Date(at))).toBe(week);
  });
});

describe('--keep grammar', () => {
  it('reads every rule, spaces, keep- prefixes and unlimited', () => {
    expect(parseKeepPolicy(' last=3, daily=7 ,keep-weekly=4,monthly=unlimited,yearly=0')).toEqual({
      last: 3,
      hourly: 0,
      daily: 7,
      weekly: 4,
      monthly: Number.POSITIVE_INFINITY,
      yearly: 0,
    });
    expect(formatKeepPolicy(parseKeepPolicy('monthly=-1,last=2'))).toBe('last=2,monthly=unlimited');
  });

  it.each([
    ['', '--keep "": empty; write e.g. last=3,daily=7,weekly=4,monthly=6'],
    ['last=3,daily=x', '--keep "last=3,daily=x": "daily=x": "x" is not a whole number (or "unlimited")'],
    ['daily=7,,weekly=2', '--keep "daily=7,,weekly=2": "": an empty part (two commas, or one at an end)'],
    ['daily7', '--keep "daily7": not <rule>=<count>; write e.g. last=3,daily=7,weekly=4,monthly=6'],
    [
      'fortnightly=2',
      '--keep "fortnightly=2": unknown rule "fortnightly"; known: last, hourly, daily, weekly, monthly, yearly',
    ],
    ['daily=1,daily=2', '--keep "daily=1,daily=2": "daily=2": daily is given twice'],
    ['last=0', '--keep "last=0": keeps nothing; give at least one count above 0'],
    ['daily=1.5', '--keep "daily=1.5": "1.5" is not a whole number (or "unlimited")'],
  ])('refuses %j, naming the part', (value, message) => {
    expect(() => parseKeepPolicy(value)).toThrow(message);
  });

  it('merges restic-style flags and refuses a rule given both ways', () => {
    expect(keepPolicyFromFlags({})).toBeUndefined();
    expect(formatKeepPolicy(keepPolicyFromFlags({ keep: 'last=2', keepDaily: '7' }) ?? parseKeepPolicy('last=1'))).toBe(
      'last=2,daily=7',
    );
    expect(() => keepPolicyFromFlags({ keep: 'daily=2', keepDaily: '7' })).toThrow(
      '--keep-daily "7": daily is given in --keep too',
    );
    expect(() => keepPolicyFromFlags({ keepLast: 'many' })).toThrow('--keep-last "many": "many" is not a whole number');
    expect(() => keepPolicyFromFlags({ keepLast: '0' })).toThrow('--keep-last "0": keeps nothing');
  });
});
