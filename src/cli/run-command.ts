import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AnyRecord, PayloadByType } from '../audit/log-format.js';
import { openSigner } from '../audit/sign.js';
import { verifyJournal } from '../audit/verify.js';
import { type CheckpointWitness, makeWitness, type WitnessConfig, witnessConfig } from '../audit/witness.js';
import { paramsFromBackups } from '../backup/snapshot-from-backup.js';
import { openRunbook, openRunbookArg } from '../compile/open-runbook.js';
import { defaultOperator } from '../engine/approvals.js';
import { Journal, type UnsignedTail } from '../engine/journal.js';
import { acquireLock, logLockKey } from '../engine/lock.js';
import { parseParams } from '../engine/params.js';
import { runSession, type Target } from '../engine/session.js';
import type { CliContext } from '../io/context.js';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { formatDiagnostic } from '../runbook/diagnostics.js';
import { parseDuration, type Value } from '../runbook/params.js';
import type { ResumeFlags } from './commands/resume.js';
import type { RunFlags } from './commands/run.js';

/** The `run` command: flags → a session; returns the exit code. */
export async function runCommand(file: string, f: RunFlags, ctx: CliContext): Promise<number> {
  const lint = openRunbookArg(file, ctx);
  if (lint === undefined) return ExitCode.usage;
  if (f.replay !== undefined && f.dryRun !== true) {
    throw makeError('TDR_USAGE', { detail: '--replay <log> is only for a dry run: add --dry-run' });
  }
  const parsed = parseParams(lint.runbook.params, f.param);
  // a snapshot param given as backup:<id|latest> is fetched and checked now, before anything runs
  const { params, sources } = await paramsFromBackups(lint.runbook, parsed, {
    ...(f.backupTarget === undefined ? {} : { backupTarget: f.backupTarget }),
    ...(f.identity === undefined ? {} : { identity: f.identity }),
    dryRun: f.dryRun === true,
    ...(f.log === undefined ? {} : { log: f.log }),
    env: ctx.env,
    cwd: ctx.cwd,
    signal: ctx.signal,
  });
  const replayRecords = f.replay === undefined ? undefined : readRecords(resolve(ctx.cwd, f.replay));
  const r = await runSession({
    ctx,
    runbookPath: lint.path,
    runbookText: lint.text,
    runbook: lint.runbook,
    compiled: lint.compiled,
    params,
    approve: f.approve,
    operator: f.operator,
    target: {
      talosctl: f.talosctl,
      talosconfig: f.talosconfig,
      context: f.context,
      endpoints:
        f.endpoints === undefined
          ? []
          : f.endpoints
              .split(',')
              .map((e) => e.trim())
              .filter(Boolean),
    },
    dryRun: f.dryRun === true,
    ...readTimeout(f.readTimeout),
    ...(Object.keys(sources).length > 0 ? { paramSources: sources } : {}),
    ...(f.signKey === undefined ? {} : { signer: openSigner(resolve(ctx.cwd, f.signKey)) }),
    ...(replayRecords ? { replayRecords } : {}),
    witness: { config: witnessConfig(f, ctx.env) },
    ...(f.log === undefined ? {} : { logPath: f.log }),
  });
  return r.exitCode;
}

function readRecords(path: string) {
  if (!existsSync(path)) throw makeError('TDR_FILE_NOT_FOUND', { path });
  const v = verifyJournal(readFileSync(path, 'utf8'));
  if (!v.ok) throw makeError('TDR_LOG_TAMPERED', { path, line: v.line, reason: v.reason });
  return v.records;
}

/** The `resume` command: lock the log, verify it, check the runbook and target are unchanged, replay, go on live. */
export async function resumeCommand(log: string, f: ResumeFlags, ctx: CliContext): Promise<number> {
  const path = resolve(ctx.cwd, log);
  if (!existsSync(path)) throw makeError('TDR_FILE_NOT_FOUND', { path: log });
  const signer = f.signKey === undefined ? undefined : openSigner(resolve(ctx.cwd, f.signKey));
  const wcfg = witnessConfig(f, ctx.env);
  // the log's own lock first: a second resume of this log exits 5 before reading it
  const logLock = acquireLock({
    key: logLockKey(path),
    operator: f.operator ?? defaultOperator(),
    runbook: `resume of ${log}`,
  });
  try {
    const wsink = makeWitness(wcfg, path);
    const { journal, records, unsignedTail } = Journal.resume(path, {
      ...(signer === undefined ? {} : { signer }),
      witness: wsink,
      witnessDir: wcfg.headsDir,
      ...(f.acceptUnsignedTail ? { acceptUnsignedTail: true } : {}),
    });
    try {
      return await resumeJournal(log, path, f, ctx, { journal, records, unsignedTail, wcfg, wsink });
    } finally {
      journal.close();
    }
  } finally {
    logLock.release();
  }
}

async function resumeJournal(
  log: string,
  path: string,
  f: ResumeFlags,
  ctx: CliContext,
  j: {
    journal: Journal;
    records: AnyRecord[];
    unsignedTail: UnsignedTail | null;
    wcfg: WitnessConfig;
    wsink: CheckpointWitness;
  },
): Promise<number> {
  const { journal, records, unsignedTail } = j;
  const start = records[0];
  if (start === undefined || start.type !== 'run-start') {
    throw makeError('TDR_RESUME_REFUSED', { path: log, reason: 'it does not begin with a run-start record' });
  }
  const p = start.payload;
  if (p.dryRun) throw makeError('TDR_RESUME_REFUSED', { path: log, reason: 'it is the log of a dry run' });
  const runbookPath = resolve(ctx.cwd, f.runbook ?? p.runbook);
  // read once: the text compared with the log's hash is the text compiled and run
  const lint = openRunbook(runbookPath);
  if (lint.sha256 !== p.runbookSha256)
    throw makeError('TDR_RESUME_CHANGED', {
      path: runbookPath,
      was: p.runbookSha256,
      now: lint.sha256 ?? 'not read: the file is over the size limit',
    });
  if (!lint.ok) {
    for (const d of lint.errors) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
    return ExitCode.usage;
  }
  const target = resumeTarget(log, p.target, f, ctx.cwd);
  const r = await runSession({
    ctx,
    runbookPath,
    runbookText: lint.text,
    runbook: lint.runbook,
    compiled: lint.compiled,
    params: p.params as Record<string, Value>,
    approve: f.approve,
    operator: f.operator,
    target: target.target,
    dryRun: false,
    ...readTimeout(f.readTimeout),
    resume: { path, journal, records, unsignedTail, overrides: target.overrides, retarget: f.retarget === true },
    witness: { config: j.wcfg, sink: j.wsink },
  });
  return r.exitCode;
}

/**
 * Resume reaches the cluster as the log records (talosctl binary, talosconfig path, context,
 * endpoints), whatever TALOSCONFIG says now. A flag that reaches it otherwise is refused (exit 2)
 * unless --retarget, which the resume record names.
 */
function resumeTarget(
  log: string,
  t: PayloadByType['run-start']['target'],
  f: ResumeFlags,
  cwd: string,
): { target: Target; overrides: string[] } {
  const was = {
    talosconfig: t?.talosconfig ?? undefined,
    context: t?.context ?? undefined,
    endpoints: t?.endpoints ?? [],
  };
  const asked = {
    talosconfig: f.talosconfig === undefined ? undefined : resolve(cwd, f.talosconfig),
    context: f.context,
    endpoints: f.endpoints === undefined ? undefined : splitList(f.endpoints),
  };
  const changes: string[] = [];
  if (asked.talosconfig !== undefined && asked.talosconfig !== was.talosconfig)
    changes.push(`--talosconfig ${asked.talosconfig} (the log records ${was.talosconfig ?? 'none'})`);
  if (asked.context !== undefined && asked.context !== was.context)
    changes.push(`--context ${asked.context} (the log records ${was.context ?? 'none'})`);
  if (asked.endpoints !== undefined && asked.endpoints.join(',') !== was.endpoints.join(','))
    changes.push(`--endpoints ${asked.endpoints.join(',')} (the log records ${was.endpoints.join(',') || 'none'})`);
  if (changes.length > 0 && f.retarget !== true)
    throw makeError('TDR_RESUME_TARGET_CHANGED', { path: log, detail: changes.join('; ') });
  const talosconfig = asked.talosconfig ?? was.talosconfig;
  return {
    target: {
      talosctl: f.talosctl ?? t?.talosctl,
      // given explicitly only when the file is there (a lab run records the default path, unused)
      talosconfig: talosconfig !== undefined && existsSync(talosconfig) ? talosconfig : undefined,
      context: asked.context ?? was.context,
      endpoints: asked.endpoints ?? was.endpoints,
    },
    overrides: changes.length > 0 ? [`--retarget: ${changes.join('; ')}`] : [],
  };
}

function splitList(v: string): string[] {
  return v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
}

/** --read-timeout as milliseconds: a duration from 1s to 10m, or a usage error naming the flag. */
function readTimeout(text: string | undefined): { readTimeoutMs?: number } {
  if (text === undefined) return {};
  const ms = parseDuration(text);
  if (ms === undefined || ms < 1000 || ms > 600_000)
    throw makeError('TDR_BAD_PARAM', {
      flag: '--read-timeout',
      value: text,
      reason: 'a duration from 1s to 10m, e.g. 30s',
    });
  return { readTimeoutMs: ms };
}
