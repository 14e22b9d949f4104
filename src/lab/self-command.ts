import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';
import { makeError } from '../io/errors.js';

/**
 * How talos-dr runs parts of itself as child processes (the lab supervisor, the lab's talosctl, a
 * second talos-dr). Installed from npm or a checkout, each part is a bundle in dist/ run by node.
 * The single executable has no dist/: it is every part at once and plays the one named by the
 * argv[0] it was started under, so a child is the executable itself with that argv[0] (or, for a
 * path another program runs, a symlink of that name to it: see linkSelfAs in lab.ts).
 */

/** The parts, by the name each answers to (a dist/<name>.mjs bundle, or an argv[0] of the executable). */
export const ROLES = ['talos-dr', 'lab-supervisor', 'talosctl-lab'] as const;
export type Role = (typeof ROLES)[number];

export interface SelfCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** the argv[0] the child sees: how the single executable knows which part to play */
  readonly argv0?: string;
}

/** True in the single executable built by `npm run build:sea`. */
export const inSingleExecutable = (): boolean => isSea();

/** The command that starts `role` (then append its arguments). */
export function selfCommand(role: Role): SelfCommand {
  if (inSingleExecutable()) return { file: process.execPath, args: [], argv0: role };
  return { file: process.execPath, args: [distFile(`${role}.mjs`)] };
}

/** The part a single executable started under `argv0` plays: a role's name, else the CLI. */
export function roleOf(argv0: string): Role {
  const name = basename(argv0);
  return (ROLES as readonly string[]).includes(name) ? (name as Role) : 'talos-dr';
}

/** A file of dist/ next to the running bundle (or its chunk), or of a built checkout when run from src/. */
export function distFile(name: string): string {
  for (const rel of [`./${name}`, `../${name}`, `../../dist/${name}`]) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw makeError('TDR_LAB_FAILED', { detail: `${name} not found: run \`npm run build\`` });
}
