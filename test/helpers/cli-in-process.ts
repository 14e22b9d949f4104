import { tmpdir } from 'node:os';
import { Command, CommanderError } from 'commander';
import { formatError } from '../../src/cli/format-error.js';
import type { CliContext } from '../../src/io/context.js';
import { isTalosDrError, type TalosDrError } from '../../src/io/errors.js';

/** What a command printed and the exit code main.ts would have set. */
export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  /** the talos-dr error that ended the command, if one did (its code and message to assert on) */
  error?: TalosDrError;
}

export interface CapturedContext {
  ctx: CliContext;
  out(): string;
  err(): string;
}

/**
 * The variables test/setup/hermetic.ts points at this run's temp dir: a command's own env must
 * carry them too (witness heads, logs, locks), and nothing else of the caller's environment
 * (TALOSCTL, TALOS_DR_LAB_DIR…) may change a test's outcome.
 */
const HERMETIC = ['TALOS_DR_LOCK_DIR', 'TALOS_DR_STATE_DIR', 'TALOS_DR_LOG_DIR', 'XDG_STATE_HOME'] as const;

/** A CliContext whose stdout/stderr are strings: the commands' one way out, captured. */
export function captureContext(
  o: { env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal } = {},
): CapturedContext {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: {
      write: (s: string) => {
        stdout += s;
      },
    },
    stderr: {
      write: (s: string) => {
        stderr += s;
      },
    },
    env: { ...Object.fromEntries(HERMETIC.map((k) => [k, process.env[k]])), ...o.env },
    cwd: o.cwd ?? tmpdir(),
    signal: o.signal ?? new AbortController().signal,
  };
  return { ctx, out: () => stdout, err: () => stderr };
}

/**
 * Runs one command module in-process, as main.ts would run it inside the whole program: its
 * `register` on a bare `talos-dr` program, commander's refusals as exit 2 (0 for --help), a
 * talos-dr error printed with its code and given back. Anything else is a bug and is rethrown,
 * so a test sees the stack main.ts would print as "internal".
 */
export async function runRegistered(
  register: (program: Command, ctx: CliContext, setResult: (code: number) => void) => void,
  args: readonly string[],
  o: { env?: NodeJS.ProcessEnv; cwd?: string; signal?: AbortSignal } = {},
): Promise<InProcessResult> {
  const c = captureContext(o);
  let code = 0;
  let error: TalosDrError | undefined;
  // commander copies exitOverride and the output to each subcommand made after them
  const program = new Command('talos-dr')
    .exitOverride()
    .configureOutput({ writeOut: (s) => c.ctx.stdout.write(s), writeErr: (s) => c.ctx.stderr.write(s) });
  register(program, c.ctx, (v) => {
    code = v;
  });
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode === 0 ? 0 : 2;
    else if (isTalosDrError(e)) {
      c.ctx.stderr.write(formatError(e));
      code = e.exitCode;
      error = e;
    } else throw e;
  }
  return { code, stdout: c.out(), stderr: c.err(), ...(error === undefined ? {} : { error }) };
}

/**
 * What commander hands a command's action for `args`, with the action itself swapped for a
 * recorder: a command module's flag declarations (names, defaults, repeatable, parsers) tested
 * without running what it would run. `path` is the subcommand to record (['lab', 'up']).
 */
export async function parsedArgs(
  register: (program: Command, ctx: CliContext, setResult: (code: number) => void) => void,
  path: readonly string[],
  args: readonly string[],
): Promise<{ args: unknown[]; opts: Record<string, unknown> } | InProcessResult> {
  let seen: { args: unknown[]; opts: Record<string, unknown> } | undefined;
  const result = await runRegistered((program, ctx, setResult) => {
    register(program, ctx, setResult);
    let cmd: Command | undefined = program;
    for (const name of path) cmd = cmd?.commands.find((c) => c.name() === name);
    if (cmd === undefined) throw new Error(`no command ${path.join(' ')}`);
    const target = cmd;
    target.action((...a: unknown[]) => {
      // commander passes the positional arguments, then the options, then the command
      seen = { args: a.slice(0, -2), opts: target.opts() };
    });
  }, args);
  return seen ?? result;
}
