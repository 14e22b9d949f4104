/**
 * The exit codes of talos-dr: a contract with scripts and users (docs/exit-codes.md, design.md).
 * Only src/cli/main.ts turns them into a process exit.
 */
export const ExitCode = {
  /** the command or run finished as asked */
  ok: 0,
  /** a step or a postcondition failed */
  failed: 1,
  /** invalid usage, flag, parameter or runbook */
  usage: 2,
  /** stopped at an approval gate: declined, or no approval in a non-interactive run */
  gate: 3,
  /** a precondition was not met; nothing was changed */
  precondition: 4,
  /** another run holds the cluster lock */
  locked: 5,
  /** interrupted (Ctrl-C / SIGINT / SIGTERM) */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One line per exit code, for --help and docs. */
export const EXIT_CODE_HELP = `Exit codes:
  0    done
  1    a step or postcondition failed
  2    invalid usage, parameter or runbook
  3    stopped at an approval gate (declined, or no approval in a non-interactive run); resumable
  4    precondition not met, nothing changed
  5    another run holds the cluster lock (or is writing the log)
  130  interrupted; resumable`;
