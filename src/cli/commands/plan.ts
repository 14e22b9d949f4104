import type { Register } from './index.js';

const collect = (v: string, prev: string[]): string[] => [...prev, v];

/** `talos-dr plan <runbook>`: what a run would do, step by step; changes nothing. */
export const register: Register = (program, ctx, setResult) => {
  program
    .command('plan')
    .description('list every step with its effect, the exact talosctl argv, gates and checks; changes nothing')
    .argument('<runbook>', 'a runbook file or a built-in runbook name')
    .option('--param <name=value>', 'a runbook parameter (repeatable)', collect, [])
    .option('--live-reads', 'also run the read steps (observations) against the cluster to resolve their values')
    .option('--talosctl <path>', 'the talosctl binary for --live-reads')
    .option('--json', 'print the plan as JSON')
    .action(async (file: string, opts: PlanFlags) => {
      const { planCommand } = await import('../plan-command.js');
      setResult(await planCommand(file, opts, ctx));
    });
};

export interface PlanFlags {
  param: string[];
  liveReads?: boolean;
  talosctl?: string;
  json?: boolean;
}
