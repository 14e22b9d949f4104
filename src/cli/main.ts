import type { CommanderError as CommanderErrorType } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import { type CliContext, processContext } from '../io/context.js';
import { isTalosDrError, makeError } from '../io/errors.js';
import { ExitCode } from '../io/exit-codes.js';
import { formatError } from './format-error.js';
import { makeProgram } from './program.js';

/**
 * The command line's entry point and the only place that decides the exit code.
 * User errors print their code and message; internal errors print "please report" and the stack.
 */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  // `--version` alone needs neither commander nor any command: answered before loading them
  // (start-up is most of what a short command costs; see docs/performance.md).
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    ctx.stdout.write(`${pkg.version}\n`);
    return ExitCode.ok;
  }
  const { CommanderError } = await import('commander');
  let result: number = ExitCode.ok;
  const program = await makeProgram(ctx, (code) => {
    result = code;
  });

  try {
    await program.parseAsync(argv, { from: 'user' });
    return result;
  } catch (e) {
    return handleError(e, ctx, CommanderError);
  }
}

function handleError(e: unknown, ctx: CliContext, CommanderError: typeof CommanderErrorType): number {
  if (e instanceof CommanderError) {
    // --help and --version "fail" with exitCode 0 by commander's design.
    if (e.exitCode === 0) return ExitCode.ok;
    return ExitCode.usage;
  }
  const err = isTalosDrError(e) ? e : makeError('TDR_INTERNAL', { detail: String(e) }, e);
  ctx.stderr.write(formatError(err));
  if (err.source === 'internal' && e instanceof Error && e.stack) ctx.stderr.write(`${e.stack}\n`);
  return err.exitCode;
}

/** Run as a program: wire signals to one AbortSignal and exit with main's code. */
export async function runAsProgram(): Promise<void> {
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (interrupted) process.exit(ExitCode.interrupted); // a second Ctrl-C: leave at once
    interrupted = true;
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `talos-dr --help | head`: a reader that goes away is not an error of ours. Stop writing to
  // it and carry on (a run must still finish its log), rather than crash with a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE' && e.code !== 'ERR_STREAM_DESTROYED') process.exitCode = ExitCode.failed;
    });
  }
  const code = await main(process.argv.slice(2), processContext(controller.signal));
  process.exitCode = interrupted && code === ExitCode.ok ? ExitCode.interrupted : code;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
