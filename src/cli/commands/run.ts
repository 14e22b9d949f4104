import type { Register } from './index.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** Shared by run and resume: how long one read of a check may take (a slow link, a busy host). */
export const READ_TIMEOUT_OPTION = [
  '--read-timeout <duration>',
  'how long each read of a check, observation or gate may wait for a node (default 10s; e.g. 30s on a slow link)',
] as const;

/** `talos-dr run <runbook>`: execute a runbook with gates, checks and a hash-chained log. */
export const register: Register = (program, ctx, setResult) => {
  program
    .command('run')
    .description(
      'run a runbook against a cluster: checks before and after, a typed approval before every irreversible step, a fresh quorum check before every disruptive one, a log that proves it',
    )
    .argument('<runbook>', 'a runbook file or a built-in runbook name')
    .option('--param <name=value>', 'a runbook parameter (repeatable)', collect, [])
    .option(
      '--approve <step-id[@target]>',
      'approve this gate without a prompt (repeatable; recorded as a flag approval). In a foreach a bare id approves every iteration; <step-id>@<node or member id> approves that target only',
      collect,
      [],
    )
    .option('--log <file>', 'where to write the log (default ./talos-dr-logs/<runbook>-<time>.jsonl)')
    .option('--operator <name>', 'who is running this (default user@host)')
    .option('--talosctl <path>', 'the talosctl binary (default $TALOSCTL, then talosctl on PATH)')
    .option('--talosconfig <file>', 'talosconfig to use')
    .option('--context <name>', 'talosconfig context')
    .option('--endpoints <list>', 'comma-separated endpoints')
    .option('--dry-run', 'rehearse: real prompts and live reads, nothing that changes the cluster runs')
    .option(
      '--sign-key <file>',
      'ed25519 private key (from `talos-dr log keygen`): sign the checkpoints and the final record',
    )
    .option(
      '--witness-syslog',
      'also send each checkpoint (seq, hash) to syslog/journald with `logger` (or TALOS_DR_WITNESS_SYSLOG=1)',
    )
    .option('--witness-url <url>', 'also POST each checkpoint as JSON to this URL (or TALOS_DR_WITNESS_URL)')
    .option('--replay <log>', 'with --dry-run: answer reads from a recorded log instead of the cluster')
    .option(...READ_TIMEOUT_OPTION)
    .option(
      '--backup-target <dir|s3://bucket/prefix>',
      'where --param snapshot=backup:<id|latest> is fetched from (or TALOS_DR_BACKUP_TARGET)',
    )
    .option('--identity <file>', 'age identity file to decrypt a backup given as backup:<id|latest>')
    .action(async (file: string, opts: RunFlags) => {
      const { runCommand } = await import('../run-command.js');
      setResult(await runCommand(file, opts, ctx));
    });
};

export interface RunFlags {
  backupTarget?: string;
  identity?: string;
  readTimeout?: string;
  param: string[];
  approve: string[];
  log?: string;
  operator?: string;
  talosctl?: string;
  talosconfig?: string;
  context?: string;
  endpoints?: string;
  dryRun?: boolean;
  replay?: string;
  signKey?: string;
  witnessSyslog?: boolean;
  witnessUrl?: string;
}
