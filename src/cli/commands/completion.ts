import { Argument } from 'commander';
import { ExitCode } from '../../io/exit-codes.js';
import type { Register } from './index.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

/**
 * `talos-dr completion bash|zsh|fish`: a completion script made from this very program (its
 * commands, options, choices) and the built-in runbook and drill names, so it cannot drift.
 */
export const register: Register = (program, ctx, setResult) => {
  program
    .command('completion')
    .description('print the shell completion script: commands, options, their values, runbook names')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .action(async (shell: Shell) => {
      const { readCommandTree } = await import('../command-tree.js');
      const { completionModel } = await import('../completion/model.js');
      const { builtinRunbookDir, runbookFilesIn } = await import('../../runbook/source.js');
      const { DRILL_SCENARIOS } = await import('../../drill/runbook-drills.js');
      const runbooks = runbookFilesIn(builtinRunbookDir(ctx.env)).map((f) =>
        f.replace(/^.*\//, '').replace(/\.ya?ml$/, ''),
      );
      const model = completionModel(readCommandTree(program), { runbooks, drills: DRILL_SCENARIOS });
      const render = {
        bash: async () => (await import('../completion/bash.js')).bashCompletion(model),
        zsh: async () => (await import('../completion/zsh.js')).zshCompletion(model),
        fish: async () => (await import('../completion/fish.js')).fishCompletion(model),
      }[shell];
      ctx.stdout.write(await render());
      setResult(ExitCode.ok);
    });
};
