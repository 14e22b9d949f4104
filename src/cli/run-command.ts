import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openSigner } from '../audit/sign.js';
import { verifyJournal } from '../audit/verify.js';
import { makeWitness, witnessConfig } from '../audit/witness.js';
import { lintRunbook } from '../compile/lint.js';
import { Journal } from '../engine/journal.js';
import { parseParams } from '../engine/params.js';
import { runSession, sha256 } from '../engine/session.js';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { formatDiagnostic } from '../runbook/diagnostics.js';
import type { Value } from '../runbook/params.js';
import type { ResumeFlags } from './commands/resume.js';
import type { RunFlags } from './commands/run.js';
import type { CliContext } from './context.js';
import { loadForCommand } from './load-for-command.js';
import { locateRunbook } from './runbook-source.js';

/** The `run` command: flags → a session; returns the exit code. */
export async function runCommand(file: string, f: RunFlags, ctx: CliContext): Promise<number> {
  const lint = loadForCommand(file, ctx);
  if (lint === undefined) return ExitCode.usage;
  if (f.replay !== undefined && f.dryRun !== true) {
    throw makeError('TDR_USAGE', { detail: '--replay <log> is only for a dry run: add --dry-run' });
  }
  const params = parseParams(lint.runbook.params, f.param);
  const abs = resolve(ctx.cwd, locateRunbook(file, ctx.cwd));
  const replayRecords = f.replay === undefined ? undefined : readRecords(resolve(ctx.cwd, f.replay));
  const r = await runSession({
    ctx,
    runbookPath: abs,
    runbookText: readFileSync(abs, 'utf8'),
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

/** The `resume` command: verify the log, check the runbook is unchanged, replay, go on live. */
export async function resumeCommand(log: string, f: ResumeFlags, ctx: CliContext): Promise<number> {
  const path = resolve(ctx.cwd, log);
  if (!existsSync(path)) throw makeError('TDR_FILE_NOT_FOUND', { path: log });
  const signer = f.signKey === undefined ? undefined : openSigner(resolve(ctx.cwd, f.signKey));
  const wcfg = witnessConfig(f, ctx.env);
  const wsink = makeWitness(wcfg, path);
  const { journal, records, unsignedTail } = Journal.resume(path, {
    ...(signer === undefined ? {} : { signer }),
    witness: wsink,
    witnessDir: wcfg.headsDir,
    ...(f.acceptUnsignedTail ? { acceptUnsignedTail: true } : {}),
  });
  try {
    const start = records[0];
    if (start === undefined || start.type !== 'run-start') {
      throw makeError('TDR_RESUME_REFUSED', { path: log, reason: 'it does not begin with a run-start record' });
    }
    const p = start.payload;
    if (p.dryRun) throw makeError('TDR_RESUME_REFUSED', { path: log, reason: 'it is the log of a dry run' });
    const ends = records.filter((r) => r.type === 'run-end');
    const last = ends.at(-1);
    if (last?.type === 'run-end' && last.payload.outcome === 'success') {
      throw makeError('TDR_RESUME_REFUSED', { path: log, reason: 'the run already finished successfully' });
    }
    const runbookPath = resolve(ctx.cwd, f.runbook ?? p.runbook);
    if (!existsSync(runbookPath)) throw makeError('TDR_FILE_NOT_FOUND', { path: runbookPath });
    const text = readFileSync(runbookPath, 'utf8');
    const now = sha256(text);
    if (now !== p.runbookSha256)
      throw makeError('TDR_RESUME_CHANGED', { path: runbookPath, was: p.runbookSha256, now });
    const lint = lintRunbook(text, runbookPath);
    if (!lint.ok) {
      for (const d of lint.errors) ctx.stderr.write(`${formatDiagnostic(d)}\n`);
      return ExitCode.usage;
    }
    const t = p.target;
    const r = await runSession({
      ctx,
      runbookPath,
      runbookText: text,
      runbook: lint.runbook,
      compiled: lint.compiled,
      params: p.params as Record<string, Value>,
      approve: f.approve,
      operator: f.operator,
      target: {
        talosctl: f.talosctl ?? t?.talosctl,
        talosconfig: t?.talosconfig ?? undefined,
        context: t?.context ?? undefined,
        endpoints: t?.endpoints ?? [],
      },
      dryRun: false,
      resume: { path, journal, records, unsignedTail },
      witness: { config: wcfg, sink: wsink },
    });
    return r.exitCode;
  } finally {
    journal.close();
  }
}
