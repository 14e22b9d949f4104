import { type ProcessResult, runProcess } from '../lab/run-process.js';
import { type Role, selfCommand } from '../lab/self-command.js';

/**
 * Runs a part of talos-dr itself (see lab/self-command.ts) with `args`, never throwing on its exit.
 * Not in lab/self-command.ts, which every part loads at start-up and need not know about child
 * processes; the drills are its only users. The same spawn runner as the lab's etcdctl calls.
 */
export function execSelf(
  role: Role,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv } = {},
): Promise<ProcessResult> {
  const c = selfCommand(role);
  return runProcess(c.file, [...c.args, ...args], {
    ...(opts.env ? { env: opts.env } : {}),
    ...(c.argv0 ? { argv0: c.argv0 } : {}),
  });
}
