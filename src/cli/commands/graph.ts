import { Option } from 'commander';
import { ExitCode } from '../../io/exit-codes.js';
import type { Register } from './index.js';

/** `talos-dr graph <runbook>`: the compiled machine as Mermaid (GitHub renders it) or JSON. */
export const register: Register = (program, ctx, setResult) => {
  program
    .command('graph')
    .description('print the compiled state machine of a runbook')
    .argument('<runbook>', 'a runbook file or a built-in runbook name')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'json']).default('mermaid'))
    .action(async (arg: string, opts: { format: 'mermaid' | 'json' }) => {
      const { openRunbookArg } = await import('../../compile/open-runbook.js');
      const { toGraphJson, toMermaid } = await import('../../compile/graph.js');
      const r = openRunbookArg(arg, ctx);
      if (r === undefined) return setResult(ExitCode.usage);
      ctx.stdout.write(
        opts.format === 'json' ? `${JSON.stringify(toGraphJson(r.compiled), null, 2)}\n` : toMermaid(r.compiled),
      );
      setResult(ExitCode.ok);
    });
};
