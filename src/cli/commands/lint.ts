import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { makeError } from '../../io/errors.js';
import { ExitCode } from '../../io/exit-codes.js';
import type { Register } from './index.js';

/** `talos-dr lint [paths…]`: validate + compile + verify; exit 0 when all valid, 2 otherwise. */
export const register: Register = (program, ctx, setResult) => {
  program
    .command('lint')
    .description('validate, compile and verify runbooks (default: ./runbooks)')
    .argument('[paths...]', 'runbook files or folders')
    .option('--no-hints', 'print only the file:line:col CODE message lines')
    .action(async (paths: string[], opts: { hints: boolean }) => {
      const { openRunbook } = await import('../../compile/open-runbook.js');
      const { formatDiagnostic } = await import('../../runbook/diagnostics.js');
      const { runbookFilesIn } = await import('../../runbook/source.js');
      const targets = paths.length > 0 ? paths : ['runbooks'];
      const files: string[] = [];
      for (const t of targets) {
        const abs = resolve(ctx.cwd, t);
        if (!existsSync(abs)) throw makeError('TDR_FILE_NOT_FOUND', { path: t });
        if (statSync(abs).isDirectory())
          files.push(...runbookFilesIn(abs).map((f) => (t === abs ? f : f.replace(`${resolve(ctx.cwd)}/`, ''))));
        else files.push(t);
      }
      let invalid = 0;
      for (const file of files) {
        const r = openRunbook(resolve(ctx.cwd, file), file);
        for (const d of r.ok ? r.warnings : [...r.errors, ...r.warnings])
          ctx.stdout.write(`${formatDiagnostic(d, opts.hints)}\n`);
        if (!r.ok) invalid++;
      }
      ctx.stderr.write(`${files.length} runbook(s) checked, ${invalid} invalid\n`);
      setResult(invalid > 0 ? ExitCode.usage : ExitCode.ok);
    });
};
