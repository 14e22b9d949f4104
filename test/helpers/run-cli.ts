import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const BIN = fileURLToPath(new URL('../../bin/talos-dr', import.meta.url));
export const TALOSCTL_LAB = fileURLToPath(new URL('../../bin/talosctl-lab', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a real process (as users and scripts do), never throwing. */
export async function runCli(
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
  const r = await execa(BIN, [...args], {
    reject: false,
    env: { NO_COLOR: '1', ...opts.env },
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
    timeout: opts.timeoutMs ?? 60_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
