import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import { makeWitness } from '../audit/witness.js';
import type { Json } from '../checks/verdict.js';
import { makeError } from '../io/errors.js';
import { createTalosctl, resolveTalosctlBinary, type Talosctl } from '../talos/talosctl.js';
import { defaultOperator, type GatePolicy } from './approvals.js';
import { type ClusterIdentity, identityKey, readClusterIdentity } from './cluster-identity.js';
import { createRunEvents, note, type RunEvents } from './events.js';
import { Journal } from './journal.js';
import { acquireLock, logLockKey, type RunLock } from './lock.js';
import { renderTo } from './progress.js';
import { terminalView } from './progress-view.js';
import { canPrompt } from './prompter.js';
import { readOnlyTalosctl } from './read-only-talosctl.js';
import { replayTalosctl } from './replay-talosctl.js';
import { executeRun, type RunResult } from './run.js';
import { identityMismatch, nodesOfParams, resolveTalosTarget } from './target.js';
import { createUnanswered, isReadOnlyRunbook } from './unanswered.js';

/**
 * One command-line run or resume, end to end: the adapter (read-only for a dry run, recorded
 * answers for --replay), the cluster lock, the journal, the prompter, then the run loop.
 * Shared by `run` and `resume` so both reach the cluster the same way.
 */

export type { SessionOptions, Target } from './session-options.js';

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

import type { SessionOptions } from './session-options.js';
import { createRunReplay, gateIds } from './session-replay.js';

export { createRunReplay, gateIds };

/**
 * A session built and ready to run: the adapter, the locks, the journal (its run-start or resume
 * record written), the terminal view and prompter, and the event stream. `run()` runs it once and
 * always releases its locks and closes its log; a session never run must be `release()`d (its locks).
 */
export interface Session {
  readonly logPath: string;
  readonly journal: Journal;
  readonly events: RunEvents;
  readonly talosctl: Talosctl;
  run(): Promise<RunResult & { logPath: string }>;
  release(): void;
}

/** One run or resume end to end: createSession, then its run. */
export async function runSession(o: SessionOptions): Promise<RunResult & { logPath: string }> {
  return (await createSession(o)).run();
}

export async function createSession(o: SessionOptions): Promise<Session> {
  const { ctx } = o;
  const known = gateIds(o.runbook);
  // `--approve <step>@<target>` approves the step for that node or member id only
  for (const id of o.approve)
    if (!known.includes(id.split('@')[0] ?? '')) throw makeError('TDR_APPROVE_UNKNOWN', { step: id, known });
  const operator = o.operator ?? defaultOperator();
  const base =
    o.talosctl ??
    createTalosctl({
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
    // the terminal view is one listener of the run's events; an in-process caller another
    const events = createRunEvents(renderTo(progress), ...(o.onEvent ? [o.onEvent] : []));
    const told = { journal, events };
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
      note(
        told,
        'deviation',
        {
          step: null,
          kind: 'resume',
          detail: `resumed by ${operator}${extra.length ? ` with ${extra.join(' ')}` : ''}: replaying ${o.resume.records.length} records, then live; cluster ${identity ? `${identity.source} ${identity.value}` : 'not read'}, talosconfig ${resolved.talosconfig}, context ${resolved.context ?? '(none)'}${tail ? `; ACCEPTED UNSIGNED: ${tail.names} came after the last signed checkpoint and no signature covered them` : ''}`,
        },
        (record) => ({ code: 'TDR_I_RESUME', data: { record } }),
      );
    } else {
      note(
        told,
        'run-start',
        {
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
        },
        (record) => ({ code: 'TDR_I_RUN_START', data: { record } }),
      );
    }
    const replay = o.resume ? createRunReplay(o.runbook, o.resume.records) : undefined;
    // a resume shows at its gates what the run's params stood for, as the run did
    const started = o.resume?.records.find((r) => r.type === 'run-start');
    const paramSources = o.paramSources ?? (started?.type === 'run-start' ? started.payload.paramSources : undefined);
    for (const [name, source] of Object.entries(o.paramSources ?? {}))
      events.emit({ code: 'TDR_I_PARAM_SOURCE', data: { name, source } });
    if (o.dryRun) events.emit({ code: 'TDR_I_DRY_RUN', data: {} });
    const release = (): void => {
      logLockOf?.release();
      lock?.release();
    };
    const run = async (): Promise<RunResult & { logPath: string }> => {
      try {
        const result = await executeRun({
          runbook: o.runbook,
          compiled: o.compiled,
          params: o.params,
          talosctl,
          journal,
          events,
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
        events.emit({ code: 'TDR_I_RUN_SUMMARY', data: { ...result, logPath } });
        // a listener that threw did not stop the run; it is said, not hidden
        for (const f of events.failures)
          ctx.stderr.write(`warning: a listener of the run's events failed ${f.count} time(s): ${String(f.error)}\n`);
        return { ...result, logPath };
      } finally {
        release();
      }
    };
    return { logPath, journal, events, talosctl, run, release };
  } catch (e) {
    logLockOf?.release();
    lock?.release();
    throw e;
  }
}
