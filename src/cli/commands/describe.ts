import { ExitCode } from '../../io/exit-codes.js';
import type { Register } from './index.js';

/** `talos-dr describe <runbook>`: params, steps, the effect of each, irreversible steps marked. */
export const register: Register = (program, ctx, setResult) => {
  program
    .command('describe')
    .description('show the params and steps of a runbook, with the effect of each step')
    .argument('<runbook>', 'a runbook file or a built-in runbook name')
    .option('--json', 'machine-readable output')
    .action(async (arg: string, opts: { json?: boolean }) => {
      const { openRunbookArg } = await import('../../compile/open-runbook.js');
      const { describeRunbook, renderDescription } = await import('../../compile/describe.js');
      const r = openRunbookArg(arg, ctx);
      if (r === undefined) return setResult(ExitCode.usage);
      const d = describeRunbook(r.runbook);
      ctx.stdout.write(opts.json ? `${JSON.stringify(d, null, 2)}\n` : renderDescription(d));
      setResult(ExitCode.ok);
    });
};
