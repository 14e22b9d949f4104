import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import type { AnyRecord } from '../audit/log-format.js';
import type { Signer } from '../audit/sign.js';
import { type CheckpointWitness, makeWitness, type WitnessConfig } from '../audit/witness.js';
import type { Json } from '../checks/verdict.js';
import type { CompiledRunbook } from '../compile/to-machine.js';
import type { CliContext } from '../io/context.js';
import { makeError } from '../io/errors.js';
import { guardedSteps, indexSteps } from '../runbook/flow.js';
import { allSteps, type Runbook } from '../runbook/model.js';
import type { Value } from '../runbook/params.js';
import { createTalosctl, resolveTalosctlBinary, type Talosctl } from '../talos/talosctl.js';
import { defaultOperator, type GatePolicy } from './approvals.js';
import { type ClusterIdentity, identityKey, readClusterIdentity } from './cluster-identity.js';
import type { ManualHandler } from './env.js';
import { Journal, type UnsignedTail } from './journal.js';
import { acquireLock, logLockKey, type RunLock } from './lock.js';
import { terminalView } from './progress-view.js';
import { canPrompt, type Prompter } from './prompter.js';
import { readOnlyTalosctl } from './read-only-talosctl.js';
import { createReplay, type Replay } from './replay.js';
import { replayTalosctl } from './replay-talosctl.js';
import { executeRun, type RunResult } from './run.js';
import { identityMismatch, nodesOfParams, resolveTalosTarget } from './target.js';
import { createUnanswered, isReadOnlyRunbook } from './unanswered.js';

/**
 * One command-line run or resume, end to end: the adapter (read-only for a dry run, recorded
 * answers for --replay), the cluster lock, the journal, the prompter, then the run loop.
 * Shared by `run` and `resume` so both reach the cluster the same way.
 */

export interface Target {
  talosctl: string | undefined;
  talosconfig: string | undefined;
  context: string | undefined;
  endpoints: string[];
}

export interface SessionOptions {
  ctx: CliContext;
  runbookPath: string;
  runbookText: string;
  runbook: Runbook;
  compiled: CompiledRunbook;
  params: Record<string, Value>;
  approve: readonly string[];
  operator: string | undefined;
  target: Target;
  dryRun: boolean;
  /** each read of a check, observation or gate (run --read-timeout; default 10 s) */
  readTimeoutMs?: number;
  /** where a param's value came from (a snapshot fetched from a backup): logged, shown at gates */
  paramSources?: Readonly<Record<string, string>>;
  /** dry run only: answer reads from this recorded log */
  replayRecords?: readonly AnyRecord[];
  /** new run: where the log goes (default $TALOS_DR_LOG_DIR or ./talos-dr-logs, then <name>-<time>.jsonl) */
  logPath?: string;
  /** resume: the verified log and its records; the unsigned tail the operator accepted, if any */
  resume?: {
    path: string;
    journal: Journal;
    records: readonly AnyRecord[];
    unsignedTail?: UnsignedTail | null;
    /** flags the resume was told to override with (recorded in the resume record) */
    overrides?: string[];
    /** --retarget: go on although the cluster identity or the way to reach it changed */
    retarget?: boolean;
  };
  /** leaves each checkpoint's head outside the log (a new run's journal; a resume's is given one by its caller) */
  witness?: { config: WitnessConfig; sink?: CheckpointWitness };
  /** signs checkpoints and the final record (run --sign-key) */
  signer?: Signer;
  /** tests: answer prompts */
  prompter?: Prompter;
  /** drills: acts out manual steps on the lab */
  manual?: ManualHandler;
  /** drills: told each step's id as it starts (until runSession has an event subscription) */
  onStepStart?: (stepId: string) => void;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The ids `--approve` may name: confirm steps and the irreversible steps they guard. */
export function gateIds(runbook: Runbook): string[] {
  return allSteps(runbook.steps)
    .filter((s) => s.kind === 'confirm' || s.kind === 'manual' || (s.kind === 'talosctl' && s.gate))
    .map((s) => s.id);
}

/** The replay of a resumed run over its verified records (also what tests resume with). */
export function createRunReplay(runbook: Runbook, records: readonly AnyRecord[]): Replay {
  const index = indexSteps(runbook);
  const steps = allSteps(runbook.steps);
  return createReplay(
    records,
    new Set(steps.filter((s) => s.kind === 'talosctl').map((s) => s.id)),
    // a gated step's own re-approval (after an unknown outcome) guards the step itself
    (id) => (index.get(id)?.step.kind === 'talosctl' ? [id] : guardedSteps(id, index).map((s) => s.id)),
    new Set(steps.filter((s) => s.kind === 'manual').map((s) => s.id)),
  );
}

export async function runSession(o: SessionOptions): Promise<RunResult & { logPath: string }> {
  const { ctx } = o;
  const known = gateIds(o.runbook);
  // `--approve <step>@<target>` approves the step for that node or member id only
  for (const id of o.approve)
    if (!known.includes(id.split('@')[0] ?? '')) throw makeError('TDR_APPROVE_UNKNOWN', { step: id, known });
  const operator = o.operator ?? defaultOperator();
  const base = createTalosctl({
    binary: resolveTalosctlBinary(o.target.talosctl, ctx.env),
    ...(o.target.talosconfig === undefined ? {} : { talosconfig: o.target.talosconfig }),
    ...(o.target.context === undefined ? {} : { context: o.target.context }),
    endpoints: o.target.endpoints,
  });
  // a dry run gets no mutating runner at all: only the read-only wrapper (or recorded answers)
  const talosctl: Talosctl = o.dryRun
    ? readOnlyTalosctl(o.replayRecords ? replayTalosctl(o.replayRecords) : base)
    : base;
  const resolved = resolveTalosTarget(o.target, ctx.env, ctx.cwd);
  // one memory of the nodes that did not answer, from the cluster-identity read to the run's end
  const unanswered = createUnanswered({ remember: isReadOnlyRunbook(o.runbook) });
  let lock: RunLock | undefined;
  let logLockOf: RunLock | undefined;
  let identity: ClusterIdentity | undefined;
  if (!o.dryRun) {
    // one run per cluster: the lock is keyed on the cluster's identity, read from its nodes
    identity = await readClusterIdentity(unanswered.wrap(base), nodesOfParams(o.runbook, o.params), {
      endpoints: o.target.endpoints,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    if (identity.warning) ctx.stderr.write(`warning: ${identity.warning}\n`);
    const recorded = o.resume?.records[0];
    const was = recorded?.type === 'run-start' ? recorded.payload.cluster : undefined;
    const mismatch = was ? identityMismatch(was, identity) : undefined;
    if (mismatch !== undefined && o.resume) {
      if (!o.resume.retarget) throw makeError('TDR_RESUME_OTHER_CLUSTER', { path: o.resume.path, reason: mismatch });
      o.resume.overrides = [...(o.resume.overrides ?? []), `--retarget (${mismatch})`];
    }
    lock = acquireLock({ key: identityKey(identity), operator, runbook: o.runbook.metadata.name });
  }
  try {
    // asked before the log file exists: a run killed here leaves no log (nothing ran, run it
    // again) instead of an empty one that cannot be resumed (found by the crash campaign)
    const version =
      o.resume || o.replayRecords ? undefined : await talosctl.clientVersion({ timeoutMs: 10_000, signal: ctx.signal });
    let journal: Journal;
    let logPath: string;
    let witnessSink = o.witness?.sink;
    if (o.resume) {
      journal = o.resume.journal;
      logPath = o.resume.path;
    } else {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      logPath = resolve(
        ctx.cwd,
        o.logPath ??
          join(
            ctx.env.TALOS_DR_LOG_DIR || 'talos-dr-logs',
            `${o.runbook.metadata.name}${o.dryRun ? '-dry-run' : ''}-${stamp}.jsonl`,
          ),
      );
      mkdirSync(dirname(logPath), { recursive: true });
      // the new log's own lock too: a resume of it while this run writes it exits 5
      if (!o.dryRun) logLockOf = acquireLock({ key: logLockKey(logPath), operator, runbook: o.runbook.metadata.name });
      if (o.witness && !o.dryRun) witnessSink = makeWitness(o.witness.config, logPath);
      journal = Journal.create(logPath, {
        ...(o.signer === undefined ? {} : { signer: o.signer }),
        ...(witnessSink === undefined ? {} : { witness: witnessSink }),
      });
    }
    ctx.stderr.write(`log: ${logPath}\n`);
    const interactive = canPrompt(process.stdin.isTTY === true, ctx.env);
    const { progress, prompter } = await terminalView({
      stdout: ctx.stdout,
      env: ctx.env,
      interactive,
      ...(o.prompter ? { prompter: o.prompter } : {}),
    });
    const policy: GatePolicy = { interactive: prompter.interactive, preApproved: new Set(o.approve), operator };
    const targetRecord = {
      talosctl: resolveTalosctlBinary(o.target.talosctl, ctx.env),
      talosconfig: resolved.talosconfig,
      context: resolved.context,
      endpoints: o.target.endpoints,
    };
    if (o.resume) {
      const tail = o.resume.unsignedTail;
      const extra = [
        ...(o.approve.length ? [`--approve ${o.approve.join(',')}`] : []),
        ...(tail ? ['--accept-unsigned-tail'] : []),
        ...(o.resume.overrides ?? []),
      ];
      // a checkpoint: signed in a signed run, so every segment is signed from its first record
      journal.append('deviation', {
        step: null,
        kind: 'resume',
        detail: `resumed by ${operator}${extra.length ? ` with ${extra.join(' ')}` : ''}: replaying ${o.resume.records.length} records, then live; cluster ${identity ? `${identity.source} ${identity.value}` : 'not read'}, talosconfig ${resolved.talosconfig}, context ${resolved.context ?? '(none)'}${tail ? `; ACCEPTED UNSIGNED: ${tail.names} came after the last signed checkpoint and no signature covered them` : ''}`,
      });
    } else {
      journal.append('run-start', {
        runbook: o.runbookPath,
        runbookSha256: sha256(o.runbookText),
        params: JSON.parse(JSON.stringify(o.params)) as Record<string, Json>,
        ...(o.paramSources && Object.keys(o.paramSources).length > 0 ? { paramSources: { ...o.paramSources } } : {}),
        operator,
        host: hostname(),
        toolVersion: pkg.version,
        talosctlVersion: version?.version.ok ? version.version.value.tag : null,
        dryRun: o.dryRun,
        target: targetRecord,
        ...(identity
          ? {
              cluster: {
                source: identity.source,
                value: identity.value,
                readFrom: identity.readFrom,
                ...(identity.warning ? { warning: identity.warning } : {}),
              },
            }
          : {}),
        ...(o.witness && witnessSink
          ? {
              witness: {
                headsDir: o.witness.config.headsDir,
                syslog: o.witness.config.syslog,
                url: o.witness.config.url,
              },
            }
          : {}),
      });
    }
    const replay = o.resume ? createRunReplay(o.runbook, o.resume.records) : undefined;
    // a resume shows at its gates what the run's params stood for, as the run did
    const started = o.resume?.records.find((r) => r.type === 'run-start');
    const paramSources = o.paramSources ?? (started?.type === 'run-start' ? started.payload.paramSources : undefined);
    for (const [name, source] of Object.entries(o.paramSources ?? {})) progress.line(`${name}: ${source}`);
    if (o.dryRun) progress.line('DRY RUN: reads are live, nothing that changes the cluster will run');
    const result = await executeRun({
      runbook: o.runbook,
      compiled: o.compiled,
      params: o.params,
      talosctl,
      journal,
      progress:
        o.onStepStart === undefined
          ? progress
          : {
              ...progress,
              step: (id, title, depth) => {
                o.onStepStart?.(id);
                progress.step(id, title, depth);
              },
            },
      prompter,
      policy,
      dryRun: o.dryRun,
      signal: ctx.signal,
      unanswered,
      ...(o.readTimeoutMs === undefined ? {} : { readTimeoutMs: o.readTimeoutMs }),
      ...(paramSources ? { paramSources } : {}),
      ...(replay ? { replay } : {}),
      ...(o.manual ? { manual: o.manual } : {}),
    }).catch(async (e: unknown) => {
      await progress.end?.({ ok: false });
      throw e;
    });
    await progress.end?.({ ok: result.exitCode === 0 });
    journal.close();
    for (const w of (await witnessSink?.flush()) ?? []) ctx.stderr.write(`${w}\n`);
    progress.line(endLine(result, logPath));
    return { ...result, logPath };
  } finally {
    logLockOf?.release();
    lock?.release();
  }
}

function endLine(r: RunResult, log: string): string {
  const at = r.stepId ? ` at ${r.stepId}` : '';
  const why = r.message ? `: ${r.message}` : '';
  const resume =
    r.exitCode === 3
      ? `\n  To continue: talos-dr resume ${log}${r.stepId ? ` --approve ${r.stepId}` : ''}`
      : r.exitCode === 130
        ? `\n  To continue: talos-dr resume ${log}`
        : '';
  const silent =
    r.unanswered.length === 0
      ? ''
      : `\n  Did not answer: ${r.unanswered.map((u) => `${u.node} (${u.why})`).join(', ')}`;
  return `\n■ run ${r.outcome}${at}${why} (exit ${r.exitCode})${silent}${resume}`;
}
