import type { ReadFlags } from '../read-flag-defaults.js';
import type { Register } from './index.js';
import { addReadOptions } from './triage.js';

/** `talos-dr watch`: triage every N seconds; what changed, or Prometheus figures for a scraper. */
export const register: Register = (program, ctx, setResult) => {
  const cmd = program
    .command('watch')
    .description(
      'read-only: triage every --every (default 30s) and print what changed (verdict, leader changes, members answering, DB growth per hour, lag trend), or write the figures in the Prometheus text format; see docs/triage.md',
    );
  addReadOptions(cmd)
    .option('--every <duration>', 'time between rounds, start to start (default 30s; longer than --window)')
    .option('--count <n>', 'stop after n rounds (default: until Ctrl-C); the exit code is the last verdict’s')
    .option('--format <format>', 'text, or prometheus (the text exposition format)', 'text')
    .option(
      '--out <file>',
      'prometheus: replace this file each round, atomically (temp + rename), a *.prom for node_exporter; text: append each round to it',
    )
    .addHelpText(
      'after',
      '\nWith --count: exit 0 healthy · 1 degraded · 4 cannot tell (the last round). Interrupted: 130.\nThe metrics and alert rules: docs/triage.md',
    )
    .action(async (flags: WatchFlags) => {
      const { watchCommand } = await import('../watch-command.js');
      setResult(await watchCommand(flags, ctx));
    });
};

export interface WatchFlags extends ReadFlags {
  every?: string;
  count?: string;
  format: string;
  out?: string;
}
