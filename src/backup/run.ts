import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { openRunbookArg } from '../compile/open-runbook.js';
import { defaultOperator } from '../engine/approvals.js';
import { readClusterIdentity } from '../engine/cluster-identity.js';
import { acquireLock } from '../engine/lock.js';
import { parseParams } from '../engine/params.js';
import { runSession, type Target } from '../engine/session.js';
import type { CliContext } from '../io/context.js';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { createTalosctl, resolveTalosctlBinary } from '../talos/talosctl.js';
import { checkRecipients, readIdentityFile } from './age-keys.js';
import { clusterDir, logKey, makeBackupId, writeRecord } from './catalog.js';
import { parseKeepPolicy } from './keep-policy.js';
import { readSnapshotHead, storeOnce } from './pipeline.js';
import { applyRetention, pruneSummary } from './prune.js';
import type { BackupRecord, BackupTarget } from './record.js';
import { factsFromLog, parseClusterName, readVersions } from './source-info.js';
import { formatBytes } from './streams.js';
import { openTarget, targetFromFlags } from './target-url.js';
import { verifyBackup } from './verify.js';

/**
 * `talos-dr backup run`: the backup-snapshot runbook through the engine (its checks, its log, the
 * cluster lock), then the pipeline, one read-back verification, the log, and the catalog entry
 * last. Cron-safe: one backup per target and cluster at a time (exit 5), a `failed` entry when
 * anything fails (so retention and status see that the newest run failed), one summary line on
 * stdout, everything else on stderr.
 */

export interface BackupRunFlags {
  param: string[];
  target?: string;
  encryptTo: string[];
  identity?: string;
  keep?: string;
  cluster?: string;
  operator?: string;
  talosctl?: string;
  talosconfig?: string;
  context?: string;
  endpoints?: string;
}

const RUNBOOK = 'backup-snapshot';

export async function backupRun(f: BackupRunFlags, ctx: CliContext): Promise<number> {
  // everything the user typed is checked before the cluster is asked anything
  const spec = targetFromFlags(f.target, ctx.env, ctx.cwd);
  const recipients = await checkRecipients(f.encryptTo);
  const identities = f.identity === undefined ? [] : await readIdentityFile(resolve(ctx.cwd, f.identity));
  // a typo in the policy exits 2 now, not after a snapshot was taken
  const keep = f.keep === undefined ? undefined : parseKeepPolicy(f.keep);
  if (f.param.some((p) => p.startsWith('path=')))
    throw makeError('TDR_BAD_PARAM', {
      flag: '--param',
      value: f.param.find((p) => p.startsWith('path=')) ?? 'path',
      reason: 'backup run writes the snapshot to a private temp file itself; give --target for where it goes',
    });
  const lint = openRunbookArg(RUNBOOK, ctx);
  if (lint === undefined) return ExitCode.usage;
  // names a bad --param now; the real path is set once the private temp dir exists
  const nodes = parseParams(lint.runbook.params, [...f.param, 'path=/placeholder.db']).nodes as string[];
  const target = await openTarget(spec, ctx.env);
  const conn: Target = {
    talosctl: f.talosctl,
    talosconfig: f.talosconfig,
    context: f.context,
    endpoints: (f.endpoints ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean),
  };
  const talosctl = createTalosctl({
    binary: resolveTalosctlBinary(conn.talosctl, ctx.env),
    ...(conn.talosconfig === undefined ? {} : { talosconfig: conn.talosconfig }),
    ...(conn.context === undefined ? {} : { context: conn.context }),
    endpoints: conn.endpoints,
  });
  const cluster = await clusterOf(talosctl, nodes, f.cluster, conn.endpoints, ctx);
  // a wrong bucket or credentials fail here, before a snapshot is taken (exit 1, nothing written)
  await target.list(`${clusterDir(cluster.id)}/`);
  const operator = f.operator ?? defaultOperator();
  // one backup per target and cluster; the run itself also takes the cluster's own lock
  const lock = acquireLock({
    key: `backup:${target.url}|${cluster.id}`,
    operator,
    runbook: `backup run to ${target.url}`,
  });
  const tmp = await mkdtemp(join(tmpdir(), 'talos-dr-backup-')); // 0700: the snapshot holds Secrets
  try {
    const snapshotPath = join(tmp, 'snapshot.db');
    const logPath = join(tmp, 'backup-snapshot.log.jsonl');
    const quiet: CliContext = { ...ctx, stdout: ctx.stderr }; // stdout keeps its one summary line
    const run = await runSession({
      ctx: quiet,
      runbookPath: lint.path,
      runbookText: lint.text,
      runbook: lint.runbook,
      compiled: lint.compiled,
      params: parseParams(lint.runbook.params, [...f.param, `path=${snapshotPath}`]),
      approve: [],
      operator,
      target: conn,
      dryRun: false,
      logPath,
    });
    const failed = (why: string, code: number) => writeFailed(target, cluster, logPath, why, code, ctx);
    if (run.exitCode !== ExitCode.ok)
      return await failed(
        `the backup-snapshot run ended ${run.outcome}${run.stepId ? ` at ${run.stepId}` : ''}${run.message ? `: ${run.message}` : ''}`,
        run.exitCode,
      );
    const facts = factsFromLog(logPath);
    if (facts.etcdHash === undefined || facts.revision === undefined || facts.totalKeys === undefined)
      // the catalog states what etcd reported, never a placeholder
      return await failed(
        "the run's log does not record the snapshot's hash, revision and key count (snapshot-verified)",
        ExitCode.failed,
      );
    let head: Awaited<ReturnType<typeof readSnapshotHead>>;
    try {
      head = await readSnapshotHead(snapshotPath);
    } catch (e) {
      return await failed((e as Error).message, ExitCode.failed);
    }
    const node = facts.node ?? nodes[0] ?? 'unknown';
    const versions = await readVersions(talosctl, node, { signal: ctx.signal });
    let record: BackupRecord;
    try {
      const r = await storeOnce(head, { target, clusterId: cluster.id, recipients, signal: ctx.signal });
      if ('already' in r) {
        // the same snapshot again (a retried cron job): the stored, verified object stays as it is
        ctx.stdout.write(`backup ${head.id} ok: already stored and verified at ${target.url}\n`);
        return ExitCode.ok;
      }
      const object = r.stored;
      record = {
        format: 1,
        id: head.id,
        cluster,
        takenAt: head.takenAt.toISOString(),
        result: 'ok',
        source: { node, ...versions },
        snapshot: {
          bytes: head.bytes,
          sha256: head.sha256,
          etcdHash: facts.etcdHash,
          revision: facts.revision,
          totalKeys: facts.totalKeys,
        },
        object,
        log: logKey(cluster.id, head.id),
        verifications: [],
      };
    } catch (e) {
      return await failed((e as Error).message, ctx.signal.aborted ? ExitCode.interrupted : ExitCode.failed);
    }
    const v = await verifyBackup(target, record, { identities, signal: ctx.signal });
    if (!v.ok) {
      await target.delete(record.object?.key ?? '');
      return await failed(`the stored object did not verify: ${v.detail}`, ExitCode.failed);
    }
    await target.put(logKey(cluster.id, head.id), Readable.from([readFileSync(logPath)]));
    record = { ...record, verifications: [v] };
    await writeRecord(target, record); // the commit point: last
    ctx.stderr.write(`verified: ${v.detail}\n`);
    ctx.stdout.write(`${summaryLine(record, target)}\n`);
    // retention after the new backup is committed and verified (the newest verified is never removed)
    if (keep !== undefined) {
      const pruned = await applyRetention(target, cluster.id, keep, { dryRun: false });
      ctx.stderr.write(`${pruneSummary(pruned)}\n`);
      if (pruned.failed !== undefined) return ExitCode.failed;
    }
    return ExitCode.ok;
  } finally {
    await rm(tmp, { recursive: true, force: true });
    lock.release();
  }
}

/** `backup <id> ok: 3.2 MB → 0.9 MB gzip+age, revision 123, 456 keys, s3://b/p/<cluster>/<id>.db.gz.age` */
export function summaryLine(r: BackupRecord, target: BackupTarget): string {
  const how = r.object?.recipients.length ? 'gzip+age' : 'gzip';
  return `backup ${r.id} ok: ${formatBytes(r.snapshot?.bytes ?? 0)} → ${formatBytes(r.object?.bytes ?? 0)} ${how}, revision ${r.snapshot?.revision}, ${r.snapshot?.totalKeys} keys, ${target.url}/${r.object?.key}`;
}

/** The cluster the catalog files this backup under: --cluster, else the id Talos reports. */
async function clusterOf(
  talosctl: ReturnType<typeof createTalosctl>,
  nodes: string[],
  flag: string | undefined,
  endpoints: string[],
  ctx: CliContext,
): Promise<{ id: string; name: string }> {
  const identity = await readClusterIdentity(talosctl, nodes, { endpoints, signal: ctx.signal });
  const info = await talosctl.run(identity.readFrom[0] ?? nodes[0] ?? '', ['get', 'info', '--output', 'json'], {
    timeoutMs: 15_000,
    signal: ctx.signal,
  });
  const name = info.exitCode === 0 ? parseClusterName(info.stdout) : '';
  if (flag !== undefined && flag !== '') return { id: flag, name };
  if (identity.source !== 'talos-cluster-id')
    throw makeError('TDR_BACKUP_NO_CLUSTER_ID', {
      detail: identity.warning ?? `no node answered \`talosctl get info\` with a cluster id`,
    });
  return { id: identity.value, name };
}

/** A failed run's entry (no object) and its log, so retention and status see that it failed. */
async function writeFailed(
  target: BackupTarget,
  cluster: { id: string; name: string },
  logPath: string,
  why: string,
  code: number,
  ctx: CliContext,
): Promise<number> {
  const now = new Date();
  const log = existsSync(logPath) ? readFileSync(logPath) : Buffer.from('');
  const id = makeBackupId(now, createHash('sha256').update(log).update(why).digest('hex'));
  try {
    if (log.length > 0) await target.put(logKey(cluster.id, id), Readable.from([log]));
    await writeRecord(target, {
      format: 1,
      id,
      cluster,
      takenAt: now.toISOString(),
      result: 'failed',
      failure: why,
      ...(log.length > 0 ? { log: logKey(cluster.id, id) } : {}),
      verifications: [],
    });
  } catch (e) {
    ctx.stderr.write(`warning: could not record the failed run at ${target.url}: ${(e as Error).message}\n`);
  }
  ctx.stdout.write(`backup ${id} FAILED: ${why}\n`);
  return code === ExitCode.ok ? ExitCode.failed : code;
}
