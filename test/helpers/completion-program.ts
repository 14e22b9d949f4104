import { Argument, Command, Option } from 'commander';
import { readCommandTree } from '../../src/cli/command-tree.js';
import { type CompletionCommand, completionModel } from '../../src/cli/completion/model.js';

/**
 * A small program with one of each shape the completion model tells apart: a switch, a file, free
 * text, a list of choices, a runbook (name or file), a drill (names only), choices as the
 * argument, a file argument, a subcommand group, and a command that takes nothing.
 */
export function sampleProgram(): Command {
  const p = new Command('talos-dr');
  p.command('run')
    .description('run a runbook')
    .argument('<runbook>', 'a runbook')
    .option('--log <file>', 'where the log goes')
    .option('--witness <file|dir>', 'a head file or the state dir')
    .option('--param <name=value>', 'a param')
    .option('--json', 'JSON')
    .addOption(new Option('--format <format>', 'output format').choices(['mermaid', 'json']));
  p.command('drill').description('rehearse').argument('<runbook>', 'a scenario').option('-a, --approve-all', 'all');
  const log = p.command('log').description('logs');
  log.command('show').description("the auditor's\nreport").argument('<file>', 'a log').option('--out <name>', 'base');
  log.command('replay').description('re-decide').argument('<id>', 'an id');
  p.command('completion').addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']));
  p.command('lint').argument('[paths...]', 'files').option('--no-hints', 'terse');
  p.command('list').description("it's a list");
  return p;
}

export const SAMPLE_NAMES = { runbooks: ['nospace-recovery', 'restore'], drills: ['nospace-full'] };

/** The completion model of sampleProgram(), keyed by command path. */
export function sampleModel(): CompletionCommand[] {
  return completionModel(readCommandTree(sampleProgram()), SAMPLE_NAMES);
}

/** The model of the real program, as `talos-dr completion` makes it (names from the caller). */
export async function realModel(): Promise<CompletionCommand[]> {
  const { makeProgram } = await import('../../src/cli/program.js');
  const nowhere = { write: () => true };
  const program = await makeProgram(
    { stdout: nowhere, stderr: nowhere, env: {}, cwd: '/', signal: new AbortController().signal },
    () => {},
  );
  return completionModel(readCommandTree(program), SAMPLE_NAMES);
}

/** The smallest program: no subcommand and no option that takes a value (every list of arms empty). */
export const BARE_MODEL: CompletionCommand[] = [
  {
    path: 'talos-dr',
    subcommands: [],
    options: [{ names: ['--json'], description: 'JSON', value: { kind: 'none' } }],
    positional: { words: [], files: false },
  },
];
