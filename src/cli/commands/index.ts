import type { Command } from 'commander';
import type { CliContext } from '../../io/context.js';

/**
 * A command registers its flags and help eagerly (cheap) and loads its implementation lazily in
 * its action, so `talos-dr --version` does not pay for zod, yaml, xstate or execa.
 * `setResult` hands the exit code back to main.ts, the only place that exits.
 */
export type Register = (program: Command, ctx: CliContext, setResult: (code: number) => void) => void;

/** Every top-level command, in the order --help lists them. */
export const COMMANDS: ReadonlyArray<() => Promise<{ register: Register }>> = [
  () => import('./list.js'),
  () => import('./describe.js'),
  () => import('./lint.js'),
  () => import('./graph.js'),
  () => import('./plan.js'),
  () => import('./run.js'),
  () => import('./resume.js'),
  () => import('./log.js'),
  () => import('./lab.js'),
  () => import('./drill.js'),
  () => import('./backup.js'),
  () => import('./completion.js'),
  () => import('./triage.js'),
  () => import('./watch.js'),
];
