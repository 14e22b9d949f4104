import { ExitCode } from '../../io/exit-codes.js';
import type { Register } from './index.js';

/** `talos-dr list`: built-in runbooks and those in ./runbooks, with name, title and summary. */
export const register: Register = (program, ctx, setResult) => {
  program
    .command('list')
    .description('list the built-in runbooks and those in ./runbooks')
    .action(async () => {
      const { readFileSync } = await import('node:fs');
      const { parseRunbook } = await import('../../runbook/load.js');
      const { runbookDirs, runbookFilesIn } = await import('../../runbook/source.js');
      const seen = new Set<string>();
      for (const dir of runbookDirs(ctx.cwd)) {
        for (const file of runbookFilesIn(dir)) {
          const r = parseRunbook(readFileSync(file, 'utf8'), file);
          const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.ya?ml$/, '');
          if (seen.has(name)) continue;
          seen.add(name);
          if (!r.ok) {
            ctx.stdout.write(`${name}  (invalid: run talos-dr lint ${file})\n`);
            continue;
          }
          const { title, summary } = r.runbook.metadata;
          ctx.stdout.write(`${name}  ${title}\n${summary === undefined ? '' : `    ${summary}\n`}`);
        }
      }
      if (seen.size === 0) ctx.stdout.write('no runbooks found\n');
      setResult(ExitCode.ok);
    });
};
