import { execa } from 'execa';
import { type Role, selfCommand } from '../lab/self-command.js';

/**
 * Runs a part of talos-dr itself (see lab/self-command.ts) with `args`, never throwing on its exit.
 * Not in lab/self-command.ts, which every part loads at start-up and which must not pull in execa;
 * the drills are its only users.
 */
export function execSelf(role: Role, args: readonly string[], opts: { reject: false; env?: NodeJS.ProcessEnv }) {
  const c = selfCommand(role);
  return execa(c.file, [...c.args, ...args], { ...opts, ...(c.argv0 ? { argv0: c.argv0 } : {}) });
}
