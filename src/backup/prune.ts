import { tabwrite } from '../lab/format.js';
import { type CatalogProblem, clusterDir, clusterIdOfDir, readCatalog, removeBackup } from './catalog.js';
import { formatKeepPolicy, type KeepPolicy } from './keep-policy.js';
import { type BackupRecord, type BackupTarget, lastVerification } from './record.js';
import { planRetention, type RetentionDecision } from './retention.js';

/**
 * Retention carried out on a target: read one cluster's catalog, plan (retention.ts), and unless
 * it is a dry run remove what the plan removes, oldest first, each through the catalog's
 * removeBackup (object and log first, entry last: a crash leaves an entry to retry, never an
 * entry without its object). `backup prune` and `backup run --keep` both come through here.
 */

export interface PruneOutcome {
  readonly cluster: string;
  readonly policy: KeepPolicy;
  readonly dryRun: boolean;
  /** one per record, newest first */
  readonly decisions: readonly RetentionDecision[];
  /** why nothing at all may be removed, else undefined */
  readonly frozen: string | undefined;
  /** entries of this cluster that could not be read (they freeze the cluster) */
  readonly problems: readonly CatalogProblem[];
  /** ids removed (none in a dry run) */
  readonly removed: readonly string[];
  /** the removal that failed; those after it were not tried */
  readonly failed: { readonly id: string; readonly error: unknown } | undefined;
}

/** The keys a backup's removal may delete: its own object and log beside its entry, nothing else. */
function foreignKey(r: BackupRecord): string | undefined {
  const own = `${clusterDir(r.cluster.id)}/${r.id}.`;
  return [r.object?.key, r.log].find((k) => k !== undefined && !k.startsWith(own));
}

function guard(d: RetentionDecision): RetentionDecision {
  const key = d.keep ? undefined : foreignKey(d.record);
  if (key === undefined) return d;
  return {
    ...d,
    keep: true,
    why: `keep: its entry names ${key}, not a key of its own; check it and remove it by hand (${d.why})`,
  };
}

/** Plans (and unless dryRun, carries out) retention for one cluster of the target. */
export async function applyRetention(
  target: BackupTarget,
  clusterId: string,
  policy: KeepPolicy,
  opts: { dryRun: boolean },
): Promise<PruneOutcome> {
  const catalog = await readCatalog(target, clusterId);
  const records = catalog.filter((r) => r.cluster.id === clusterId);
  const problems = catalog.problems;
  const plan = planRetention(records, policy);
  const blocked =
    problems.length === 0
      ? undefined
      : `the entry ${problems[0]?.key} cannot be read (${problems[0]?.reason}); nothing is removed until it is repaired or moved away`;
  const frozen = blocked ?? plan.frozen;
  const decisions =
    blocked === undefined
      ? plan.decisions.map(guard)
      : plan.decisions.map((d) => ({ ...d, keep: true, why: `keep: ${blocked}` }));
  const removed: string[] = [];
  let failed: PruneOutcome['failed'];
  if (!opts.dryRun) {
    for (const d of [...decisions].reverse()) {
      if (d.keep) continue;
      try {
        await removeBackup(target, d.record);
        removed.push(d.record.id);
      } catch (error) {
        failed = { id: d.record.id, error };
        break;
      }
    }
  }
  return { cluster: clusterId, policy, dryRun: opts.dryRun, decisions, frozen, problems, removed, failed };
}

/**
 * The clusters a target holds backups of: the folders that hold entries (`<cluster>/<id>.json`),
 * readable or not, from one listing (no entry is fetched: on S3 that is one request, not one each).
 */
export async function clustersOf(target: BackupTarget): Promise<string[]> {
  const ids = new Set<string>();
  for (const key of await target.list('')) {
    const dir = /^([^/]+)\/[^/]+\.json$/.exec(key)?.[1];
    if (dir !== undefined) ids.add(clusterIdOfDir(dir));
  }
  return [...ids].sort();
}

const verifiedCell = (r: BackupRecord): string => {
  const v = lastVerification(r);
  if (r.result === 'failed') return '-';
  return v === undefined ? 'never' : v.ok ? `ok ${v.at.slice(0, 16)}Z` : `FAILED ${v.at.slice(0, 16)}Z`;
};

/** What `backup prune` prints for one cluster: a header, the table, a summary line. */
export function pruneTable(o: PruneOutcome): string {
  const done = (d: RetentionDecision): string => {
    if (d.keep) return 'keep';
    if (o.dryRun) return 'would remove';
    if (o.removed.includes(d.record.id)) return 'removed';
    return o.failed?.id === d.record.id ? 'REMOVAL FAILED' : 'not tried';
  };
  const rows = o.decisions.map((d) =>
    [
      d.record.id,
      d.record.takenAt,
      d.record.result,
      verifiedCell(d.record),
      done(d),
      d.why.replace(/^(keep|remove): /, ''),
    ].join('\t'),
  );
  const header = `cluster ${o.cluster}: --keep ${formatKeepPolicy(o.policy)}${o.dryRun ? ' (dry run: nothing removed)' : ''}`;
  const problems = o.problems.map((p) => `  unreadable entry ${p.key}: ${p.reason}`);
  return [
    header,
    ...problems,
    o.decisions.length === 0
      ? '  no backups'
      : tabwrite(['ID\tTIME\tRESULT\tVERIFIED\tDECISION\tWHY', ...rows]).trimEnd(),
    `${pruneSummary(o)}\n`,
  ].join('\n');
}

/** One line: what `backup run --keep` prints after its own summary. */
export function pruneSummary(o: PruneOutcome): string {
  const keep = o.decisions.filter((d) => d.keep).length;
  const remove = o.decisions.length - keep;
  const verb = o.dryRun ? 'would remove' : 'removed';
  const count = o.dryRun ? remove : o.removed.length;
  const tail = o.frozen === undefined ? '' : `; nothing removed: ${o.frozen}`;
  const fail = o.failed === undefined ? '' : `; removing ${o.failed.id} failed, ${remove - count - 1} not tried`;
  return `retention ${formatKeepPolicy(o.policy)} on ${o.cluster}: kept ${keep}, ${verb} ${count}${tail}${fail}`;
}
