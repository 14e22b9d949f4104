import type { Register } from './index.js';
import { READ_TIMEOUT_OPTION } from './run.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** `talos-dr resume <log>`: continue a run that stopped at a gate, was interrupted or crashed. */
export const register: Register = (program, ctx, setResult) => {
  program
    .command('resume')
    .description(
      'continue a run that stopped at a gate (exit 3), was interrupted (130) or crashed, from its log: replays what is recorded, re-observes anything unfinished, then goes on live',
    )
    .argument('<log>', 'the log of the run')
    .option(
      '--approve <step-id[@target]>',
      'approve this gate without a prompt (repeatable; <step-id>@<node or member id> approves that target only). To run a gated step again after a crash left its outcome unknown, name that step itself',
      collect,
      [],
    )
    .option('--operator <name>', 'who is resuming (default user@host)')
    .option('--runbook <file>', 'the runbook file, if it moved (its SHA-256 must match the log)')
    .option('--sign-key <file>', 'the private key the run was signed with (required for a signed log)')
    .option('--talosctl <path>', 'the talosctl binary (default: as recorded in the log)')
    .option('--talosconfig <file>', 'talosconfig (default: the one the log records; another one needs --retarget)')
    .option('--context <name>', 'talosconfig context (default: the one the log records; another needs --retarget)')
    .option('--endpoints <list>', 'endpoints (default: as the log records; others need --retarget)')
    .option(
      '--retarget',
      'go on although the talosconfig, context or endpoints differ from the log, or the cluster id read now differs; recorded in the resume record',
    )
    .option(
      '--accept-unsigned-tail',
      'a signed log: accept the records after its last signed checkpoint (the remains of a crash you saw); the resume record names them',
    )
    .option(
      '--witness-syslog',
      'also send each checkpoint to syslog/journald with `logger` (or TALOS_DR_WITNESS_SYSLOG=1)',
    )
    .option('--witness-url <url>', 'also POST each checkpoint as JSON to this URL (or TALOS_DR_WITNESS_URL)')
    .option(...READ_TIMEOUT_OPTION)
    .action(async (log: string, opts: ResumeFlags) => {
      const { resumeCommand } = await import('../run-command.js');
      setResult(await resumeCommand(log, opts, ctx));
    });
};

export interface ResumeFlags {
  readTimeout?: string;
  approve: string[];
  operator?: string;
  runbook?: string;
  talosctl?: string;
  signKey?: string;
  acceptUnsignedTail?: boolean;
  talosconfig?: string;
  context?: string;
  endpoints?: string;
  retarget?: boolean;
  witnessSyslog?: boolean;
  witnessUrl?: string;
}
