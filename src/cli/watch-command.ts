import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { writeFileAtomic } from '../backup/atomic-file.js';
import type { CliContext } from '../io/context.js';
import { makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { type Figures, figuresOf } from '../triage/figures.js';
import { gatherPolls, sleepFor } from '../triage/gather.js';
import { exposition } from '../triage/prometheus.js';
import { triageWithView } from '../triage/triage.js';
import { changes, growthPerHour, leaderChanges, roundLine } from '../triage/watch.js';
import type { WatchFlags } from './commands/watch.js';
import { durationFlag, parseReadFlags, talosctlFor } from './triage-flags.js';

const FORMATS = ['text', 'prometheus'];

/** `watch`: rounds of triage until --count or Ctrl-C; returns the last round's exit code. */
export async function watchCommand(f: WatchFlags, ctx: CliContext): Promise<number> {
  const flags = parseReadFlags(f);
  if (!FORMATS.includes(f.format))
    throw makeError('TDR_BAD_FORMAT', { flag: '--format', value: f.format, known: FORMATS });
  const everyMs = durationFlag('--every', f.every ?? '30s', 1000, 86_400_000, '1s to 24h');
  if (everyMs <= flags.windowMs)
    throw makeError('TDR_BAD_PARAM', {
      flag: '--every',
      value: f.every ?? '30s',
      reason: `must be longer than --window (${flags.windowMs} ms)`,
    });
  const count = f.count === undefined ? undefined : countFlag(f.count);
  const nodes = flags.options.nodes;
  if (nodes === undefined) throw makeError('TDR_TRIAGE_NO_NODES', {});
  const options = { ...flags.options, nodes };
  const talosctl = talosctlFor(f, flags.endpoints, ctx.env);
  let prev: Figures | undefined;
  let total = 0;
  let exit: number = ExitCode.ok;
  for (let round = 1; count === undefined || round <= count; round++) {
    const started = Date.now();
    const g = await gatherPolls(talosctl, {
      nodes,
      windowMs: flags.windowMs,
      readTimeoutMs: flags.readTimeoutMs,
      signal: ctx.signal,
    });
    if (ctx.signal.aborted) break;
    const { triage, view } = triageWithView({ options, first: g.first, second: g.second }, flags.connection);
    const fig = figuresOf(view, triage, options);
    total += leaderChanges(prev, fig);
    if (f.format === 'prometheus') {
      const text = exposition({ figures: fig, leaderChangesTotal: total, growthPerHour: growthPerHour(prev, fig) });
      if (f.out === undefined) ctx.stdout.write(text);
      else writeFileAtomic(resolve(ctx.cwd, f.out), text);
    } else {
      const lines = [roundLine(triage, fig), ...changes(prev, fig).map((c) => `    ${c}`)];
      // the whole verdict on the first round and whenever it changes
      if (prev === undefined || prev.row !== fig.row) {
        lines.push(`    ${triage.headline}`);
        if (triage.recommendation) lines.push(`    run: ${triage.recommendation.command}`);
        else if (triage.first) lines.push(`    ${triage.first}`);
        for (const m of triage.missing) lines.push(`    missing: ${m}`);
      }
      const text = `${lines.join('\n')}\n`;
      // text is a history: each round is appended (a Prometheus file is replaced whole)
      if (f.out === undefined) ctx.stdout.write(text);
      else appendText(resolve(ctx.cwd, f.out), text);
    }
    exit = triage.exitCode;
    prev = fig;
    if (count !== undefined && round >= count) break;
    await sleepFor(started + everyMs - Date.now(), ctx.signal);
    if (ctx.signal.aborted) break;
  }
  return exit;
}

function countFlag(text: string): number {
  if (!/^[1-9]\d*$/.test(text))
    throw makeError('TDR_BAD_PARAM', { flag: '--count', value: text, reason: 'a whole number ≥ 1' });
  return Number(text);
}

function appendText(path: string, text: string): void {
  try {
    appendFileSync(path, text);
  } catch (e) {
    throw makeError('TDR_BACKUP_OUT_WRITE', { path, reason: e instanceof Error ? e.message : String(e) });
  }
}
