import { makeError } from '../io/errors.js';

/**
 * A retention policy in restic's `forget` words: how many of the newest verified backups to keep
 * (`last`) and how many hours, days, ISO weeks, months and years (UTC) to keep the newest one of.
 * Parsed from `--keep last=3,daily=7,weekly=4,monthly=6` or restic's own `--keep-daily 7` flags.
 */

/** The rules in restic's order; the order of the reasons `prune` prints. */
export const KEEP_RULES = ['last', 'hourly', 'daily', 'weekly', 'monthly', 'yearly'] as const;
export type KeepRule = (typeof KEEP_RULES)[number];

/** Slots per rule: 0 means the rule is off, `Infinity` (`unlimited`) keeps one of every bucket. */
export type KeepPolicy = Readonly<Record<KeepRule, number>>;

const EXAMPLE = 'last=3,daily=7,weekly=4,monthly=6';

const isRule = (s: string): s is KeepRule => (KEEP_RULES as readonly string[]).includes(s);

function bad(value: string, part: string, reason: string, flag = '--keep'): Error {
  return makeError('TDR_BACKUP_KEEP', { flag, value, part, reason });
}

/** A count as restic reads it: a whole number, or `unlimited` (restic's -1 also means that). */
function parseCount(value: string, part: string, raw: string, flag = '--keep'): number {
  const s = raw.trim();
  if (s === 'unlimited' || s === '-1') return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(s)) throw bad(value, part, `${JSON.stringify(s)} is not a whole number (or "unlimited")`, flag);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) throw bad(value, part, `${s} is too large`, flag);
  return n;
}

function emptyPolicy(): Record<KeepRule, number> {
  return { last: 0, hourly: 0, daily: 0, weekly: 0, monthly: 0, yearly: 0 };
}

function refuseEmpty(value: string, p: KeepPolicy, flag = '--keep'): KeepPolicy {
  // restic refuses an empty policy too: `--keep last=0` must not read as "remove everything"
  if (KEEP_RULES.every((r) => p[r] === 0))
    throw bad(value, value, 'keeps nothing; give at least one count above 0', flag);
  return p;
}

/** `last=3,daily=7` → a policy; every problem names `--keep`, the value and the bad part. */
export function parseKeepPolicy(value: string): KeepPolicy {
  const p = emptyPolicy();
  const seen = new Set<KeepRule>();
  if (value.trim() === '') throw bad(value, value, `empty; write e.g. ${EXAMPLE}`);
  for (const rawPart of value.split(',')) {
    const part = rawPart.trim();
    if (part === '') throw bad(value, rawPart, 'an empty part (two commas, or one at an end)');
    const eq = part.indexOf('=');
    if (eq < 0) throw bad(value, part, `not <rule>=<count>; write e.g. ${EXAMPLE}`);
    const name = part
      .slice(0, eq)
      .trim()
      .toLowerCase()
      .replace(/^keep-/, '');
    if (!isRule(name)) throw bad(value, part, `unknown rule ${JSON.stringify(name)}; known: ${KEEP_RULES.join(', ')}`);
    if (seen.has(name)) throw bad(value, part, `${name} is given twice`);
    seen.add(name);
    p[name] = parseCount(value, part, part.slice(eq + 1));
  }
  return refuseEmpty(value, p);
}

/** restic's separate flags (`--keep-last 3 --keep-daily 7`), as commander hands them over. */
export interface KeepFlags {
  keep?: string;
  keepLast?: string;
  keepHourly?: string;
  keepDaily?: string;
  keepWeekly?: string;
  keepMonthly?: string;
  keepYearly?: string;
}

const FLAG_OF: Record<KeepRule, keyof KeepFlags> = {
  last: 'keepLast',
  hourly: 'keepHourly',
  daily: 'keepDaily',
  weekly: 'keepWeekly',
  monthly: 'keepMonthly',
  yearly: 'keepYearly',
};

/**
 * `--keep <policy>` and/or `--keep-<rule> <n>` → one policy, or undefined when none was given.
 * A rule given both ways is refused rather than one silently winning.
 */
export function keepPolicyFromFlags(flags: KeepFlags): KeepPolicy | undefined {
  const separate = KEEP_RULES.filter((r) => flags[FLAG_OF[r]] !== undefined);
  if (flags.keep === undefined && separate.length === 0) return undefined;
  const base = flags.keep === undefined ? emptyPolicy() : { ...parseKeepPolicy(flags.keep) };
  const inPolicy = flags.keep === undefined ? new Set<string>() : new Set(listRules(flags.keep));
  for (const r of separate) {
    const raw = flags[FLAG_OF[r]] ?? '';
    if (inPolicy.has(r)) throw bad(raw, raw, `${r} is given in --keep too`, `--keep-${r}`);
    base[r] = parseCount(raw, raw, raw, `--keep-${r}`);
  }
  const last = separate.at(-1);
  return flags.keep !== undefined || last === undefined
    ? refuseEmpty(flags.keep ?? '', base)
    : refuseEmpty(flags[FLAG_OF[last]] ?? '', base, `--keep-${last}`);
}

function listRules(value: string): string[] {
  return value.split(',').map((p) =>
    p
      .slice(0, p.indexOf('='))
      .trim()
      .toLowerCase()
      .replace(/^keep-/, ''),
  );
}

/** The policy as `--keep` reads it (rules that are off left out): for tables, logs and docs. */
export function formatKeepPolicy(p: KeepPolicy): string {
  return KEEP_RULES.filter((r) => p[r] !== 0)
    .map((r) => `${r}=${p[r] === Number.POSITIVE_INFINITY ? 'unlimited' : p[r]}`)
    .join(',');
}
