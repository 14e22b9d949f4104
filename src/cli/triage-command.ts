import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../backup/atomic-file.js';
import type { CliContext } from '../io/context.js';
import { isTalosDrError, makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { gatherPolls, replayPolls, toRecording } from '../triage/gather.js';
import { triageJson } from '../triage/json.js';
import type { Poll } from '../triage/model.js';
import { parseRecording } from '../triage/recording.js';
import { triageText } from '../triage/text.js';
import { triage } from '../triage/triage.js';
import type { TriageFlags } from './commands/triage.js';
import { type ParsedReadFlags, parseReadFlags, talosctlFor } from './triage-flags.js';

/** `triage`: flags → two polls (live or replayed) → the decision → text or JSON; the exit code. */
export async function triageCommand(f: TriageFlags, ctx: CliContext): Promise<number> {
  const flags = parseReadFlags(f);
  const started = Date.now();
  const got = f.replay === undefined ? await live(f, flags, ctx) : await replayed(f.replay, flags, ctx);
  if (got === undefined) return ExitCode.interrupted;
  const { nodes, polls } = got;
  const tookMs = f.replay === undefined ? Date.now() - started : undefined;
  const options = { ...flags.options, nodes };
  const t = triage({ options, first: polls[0], second: polls[1] }, flags.connection);
  if (f.json === true) {
    const j = triageJson(t, {
      nodes,
      polls: [polls[0].at, polls[1].at],
      ...(tookMs === undefined ? {} : { tookMs }),
      quotaBytes: options.quotaBytes,
      maxLag: options.maxLag,
    });
    ctx.stdout.write(`${JSON.stringify(j, null, 2)}\n`);
  } else
    ctx.stdout.write(
      triageText(t, { windowSeconds: (polls[1].at - polls[0].at) / 1000, ...(tookMs === undefined ? {} : { tookMs }) }),
    );
  return t.exitCode;
}

type Got = { nodes: string[]; polls: [Poll, Poll] } | undefined;

async function live(f: TriageFlags, flags: ParsedReadFlags, ctx: CliContext): Promise<Got> {
  const nodes = flags.options.nodes;
  if (nodes === undefined) throw makeError('TDR_TRIAGE_NO_NODES', {});
  const talosctl = talosctlFor(f, flags.endpoints, ctx.env);
  const g = await gatherPolls(talosctl, {
    nodes,
    windowMs: flags.windowMs,
    readTimeoutMs: flags.readTimeoutMs,
    signal: ctx.signal,
  });
  if (ctx.signal.aborted) return undefined;
  if (f.save !== undefined) {
    const path = resolve(ctx.cwd, f.save);
    const rec = toRecording(g, nodes, `recorded by talos-dr triage at ${new Date(g.first.at).toISOString()}`);
    try {
      writeFileAtomic(path, `${JSON.stringify(rec, null, 2)}\n`, 0o600);
    } catch (e) {
      const reason = isTalosDrError(e) && e.cause instanceof Error ? e.cause.message : String(e);
      throw makeError('TDR_TRIAGE_SAVE_WRITE', { path: f.save, reason });
    }
  }
  return { nodes, polls: [g.first, g.second] };
}

async function replayed(file: string, flags: ParsedReadFlags, ctx: CliContext): Promise<Got> {
  const path = resolve(ctx.cwd, file);
  if (!existsSync(path)) throw makeError('TDR_FILE_NOT_FOUND', { path: file });
  const parsed = parseRecording(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw makeError('TDR_TRIAGE_RECORDING_BAD', { path: file, reason: parsed.reason });
  const nodes = flags.options.nodes ?? parsed.recording.nodes;
  const polls = await replayPolls({ ...parsed.recording, nodes }, ctx.signal);
  return { nodes, polls: [polls.first, polls.second] };
}
