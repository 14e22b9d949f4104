import type { Command } from 'commander';
import { DEFAULT_READ_TIMEOUT, DEFAULT_WINDOW, type ReadFlags } from '../read-flag-defaults.js';
import type { Register } from './index.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** The flags triage and watch share: what to read, how long to wait, how to reach the cluster. */
export function addReadOptions(cmd: Command): Command {
  return cmd
    .option(
      '--param <name=value>',
      'nodes=<address,…> (every control plane node); members=<n> when no node can list them',
      collect,
      [],
    )
    .option(
      '--window <duration>',
      `time between the two polls (leader stability, lag trend; default ${DEFAULT_WINDOW})`,
    )
    .option('--read-timeout <duration>', `how long each read may wait for a node (default ${DEFAULT_READ_TIMEOUT})`)
    .option('--quota <size>', "etcd's backend quota the DB size is measured against (default 2GiB: Talos sets none)")
    .option('--max-lag <entries>', 'raft entries behind the leader that count as lagging (default 100)')
    .option('--talosctl <path>', 'the talosctl binary (default $TALOSCTL, then talosctl on PATH)')
    .option('--talosconfig <file>', 'talosconfig to use')
    .option('--context <name>', 'talosconfig context')
    .option('--endpoints <list>', 'comma-separated endpoints');
}

/** `talos-dr triage`: read the cluster, say what is wrong and which runbook to run. Read-only. */
export const register: Register = (program, ctx, setResult) => {
  const cmd = program
    .command('triage')
    .description(
      'read-only: read every control plane node twice, a window apart, and say healthy, degraded (with the runbook to run and its params) or cannot tell (and what is missing); see docs/triage.md',
    );
  addReadOptions(cmd)
    .option('--json', 'print the result as JSON (stable; docs/triage.md)')
    .option('--save <file>', 'also write what was read (talosctl output) to this file, for --replay')
    .option('--replay <file>', 'decide from a file written by --save instead of reading the cluster')
    .addHelpText(
      'after',
      '\nTriage exit codes: 0 healthy · 1 degraded (a runbook or an action is recommended) · 4 cannot tell · 2 usage.\nThe verdict table and the JSON shape: docs/triage.md',
    )
    .action(async (flags: TriageFlags) => {
      const { triageCommand } = await import('../triage-command.js');
      setResult(await triageCommand(flags, ctx));
    });
};

export interface TriageFlags extends ReadFlags {
  json?: boolean;
  save?: string;
  replay?: string;
}
