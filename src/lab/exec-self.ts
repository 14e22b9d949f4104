import { execa } from 'execa';
import { type Role, selfCommand } from './self-command.js';

/**
 * Runs a part of talos-dr itself (see self-command.ts) with `args`, never throwing on its exit.
 * Its own module: self-command.ts is loaded by every part at start-up and must not pull in execa.
 */
export function execSelf(role: Role, args: readonly string[], opts: { reject: false; env?: NodeJS.ProcessEnv }) {
  const c = selfCommand(role);
  return execa(c.file, [...c.args, ...args], { ...opts, ...(c.argv0 ? { argv0: c.argv0 } : {}) });
}
