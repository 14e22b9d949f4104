import type { Command } from 'commander';
import pkg from '../../package.json' with { type: 'json' };
import type { CliContext } from '../io/context.js';
import { EXIT_CODE_HELP } from '../io/exit-codes.js';
import { COMMANDS } from './commands/index.js';

/**
 * The whole command line as one commander program: what main.ts parses, and what the shell
 * completions and the man page are generated from, so those can never list another CLI.
 */
export async function makeProgram(ctx: CliContext, setResult: (code: number) => void): Promise<Command> {
  const [{ Command }, ...commands] = await Promise.all([import('commander'), ...COMMANDS.map((load) => load())]);
  const program = new Command('talos-dr')
    .description('Disaster-recovery runbooks for etcd on Talos Linux: guided, checked, audited.')
    .version(pkg.version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_CODE_HELP}\n\nDocs: README.md and docs/ of the talos-dr package or repository`)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  for (const { register } of commands) register(program, ctx, setResult);
  for (const sub of program.commands) sub.exitOverride().addHelpText('after', `\n${EXIT_CODE_HELP}`);
  return program;
}
