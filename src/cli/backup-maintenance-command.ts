import { resolve } from 'node:path';
import { writeFileAtomic } from '../backup/atomic-file.js';
import { readCatalog } from '../backup/catalog.js';
import { formatKeepPolicy, keepPolicyFromFlags } from '../backup/keep-policy.js';
import { applyRetention, clustersOf, type PruneOutcome, pruneTable } from '../backup/prune.js';
import { isVerified } from '../backup/record.js';
import { backupStatus, parseMaxAge } from '../backup/status.js';
import { statusJson, statusPrometheus, statusText } from '../backup/status-format.js';
import { openTarget, targetFromFlags } from '../backup/target-url.js';
import type { CliContext } from '../io/context.js';
import { ExitCode, isTalosDrError, makeError } from '../io/errors.js';
import type { PruneFlags, StatusFlags } from './commands/backup-maintenance.js';
import { formatError } from './format-error.js';

/** The actions of `backup prune` and `backup status` (loaded only when one of them runs). */

const FORMATS = ['text', 'json', 'prometheus'] as const;

function pruneJson(outcomes: readonly PruneOutcome[]): string {
  const view = outcomes.map((o) => ({
    cluster: o.cluster,
    policy: formatKeepPolicy(o.policy),
    dryRun: o.dryRun,
    frozen: o.frozen ?? null,
    problems: o.problems,
    removed: o.removed,
    failed:
      o.failed === undefined
        ? null
        : { id: o.failed.id, error: o.failed.error instanceof Error ? o.failed.error.message : String(o.failed.error) },
    decisions: o.decisions.map((d) => ({
      id: d.record.id,
      takenAt: d.record.takenAt,
      result: d.record.result,
      verified: isVerified(d.record),
      keep: d.keep,
      why: d.why,
    })),
  }));
  return `${JSON.stringify(view, null, 2)}\n`;
}

/** `backup prune`: every cluster of the target (or --cluster) on its own; exit 1 if a removal failed. */
export async function backupPrune(f: PruneFlags, ctx: CliContext): Promise<number> {
  const policy = keepPolicyFromFlags(f);
  if (policy === undefined)
    throw makeError('TDR_USAGE', {
      detail: 'backup prune needs a policy: --keep last=N,daily=N,weekly=N,monthly=N (or --keep-daily N …)',
    });
  const spec = targetFromFlags(f.target, ctx.env, ctx.cwd);
  const target = await openTarget(spec, ctx.env);
  const clusters = f.cluster === undefined ? await clustersOf(target) : [f.cluster];
  const outcomes: PruneOutcome[] = [];
  for (const cluster of clusters)
    outcomes.push(await applyRetention(target, cluster, policy, { dryRun: f.dryRun === true }));
  if (f.json) ctx.stdout.write(pruneJson(outcomes));
  else if (outcomes.length === 0) ctx.stdout.write(`no backups in the catalog at ${target.url}\n`);
  else ctx.stdout.write(outcomes.map(pruneTable).join('\n'));
  const failed = outcomes.find((o) => o.failed !== undefined)?.failed;
  if (failed === undefined) return ExitCode.ok;
  const err = isTalosDrError(failed.error)
    ? failed.error
    : makeError('TDR_INTERNAL', { detail: String(failed.error) }, failed.error);
  ctx.stderr.write(formatError(err));
  return err.exitCode;
}

/** `backup status`: exit 0 when every cluster has a verified backup younger than --max-age, else 1. */
export async function backupStatusCommand(f: StatusFlags, ctx: CliContext): Promise<number> {
  const format = f.json ? 'json' : f.format;
  if (!(FORMATS as readonly string[]).includes(format))
    throw makeError('TDR_BAD_FORMAT', { flag: '--format', value: format, known: [...FORMATS] });
  const maxAgeSeconds = f.maxAge === undefined ? undefined : parseMaxAge(f.maxAge);
  const spec = targetFromFlags(f.target, ctx.env, ctx.cwd);
  const target = await openTarget(spec, ctx.env);
  const catalog = await readCatalog(target, f.cluster);
  const now = new Date();
  const clusters = backupStatus(catalog, now, {
    ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
    ...(f.cluster === undefined ? {} : { clusterId: f.cluster }),
  });
  const text =
    format === 'prometheus'
      ? statusPrometheus(clusters)
      : format === 'json'
        ? statusJson(clusters, { url: target.url, now, maxAgeSeconds, unreadable: catalog.problems })
        : statusText(clusters, { url: target.url, maxAgeSeconds });
  if (f.out === undefined) ctx.stdout.write(text);
  else writeFileAtomic(resolve(ctx.cwd, f.out), text);

  for (const p of catalog.problems) ctx.stderr.write(`backup status: unreadable catalog entry ${p.key}: ${p.reason}\n`);
  if (clusters.length === 0) {
    ctx.stderr.write(`backup status: no backups in the catalog at ${target.url}\n`);
    return ExitCode.failed;
  }
  const bad = clusters.filter((c) => c.problem !== undefined);
  for (const c of bad) ctx.stderr.write(`backup status: cluster ${c.cluster.id}: ${c.problem}\n`);
  return bad.length > 0 ? ExitCode.failed : ExitCode.ok;
}
