/**
 * What a command may touch of the outside world, injected so commands are testable in-process.
 * Commands return an exit code; only main.ts turns it into process.exitCode.
 */
export interface CliContext {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** aborted on SIGINT/SIGTERM: every long-running effect listens to it */
  readonly signal: AbortSignal;
}

export function processContext(signal: AbortSignal): CliContext {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal };
}
