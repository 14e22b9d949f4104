import type { Argument, Command, Option } from 'commander';

/**
 * The command line as plain data, read from the commander program (the one main.ts parses):
 * what the shell completions and the man page are generated from.
 */

export interface OptionSpec {
  /** every spelling: `-V`, `--version` */
  readonly names: readonly string[];
  /** the value's placeholder (`file` of `--log <file>`), or null for a switch */
  readonly value: string | null;
  /** the only values commander accepts, when it has a list */
  readonly choices: readonly string[];
  /** as --help shows it, with default and choices */
  readonly description: string;
  /** as --help shows it: `--log <file>` */
  readonly term: string;
}

export interface ArgumentSpec {
  readonly name: string;
  readonly required: boolean;
  readonly variadic: boolean;
  readonly choices: readonly string[];
  readonly description: string;
}

export interface CommandSpec {
  /** the words that select it, from the program's name: ['talos-dr', 'log', 'show'] */
  readonly path: readonly string[];
  readonly description: string;
  /** `[options] <runbook>` */
  readonly usage: string;
  readonly arguments: readonly ArgumentSpec[];
  readonly options: readonly OptionSpec[];
  readonly commands: readonly CommandSpec[];
}

/** The spec of `cmd` and everything below it, as its --help lists them (hidden parts left out). */
export function readCommandTree(cmd: Command, parent: readonly string[] = []): CommandSpec {
  const help = cmd.createHelp();
  const path = [...parent, cmd.name()];
  return {
    path,
    description: cmd.description(),
    usage: cmd.usage(),
    arguments: help.visibleArguments(cmd).map(readArgument),
    options: help.visibleOptions(cmd).map((o) => readOption(o, help.optionTerm(o), help.optionDescription(o))),
    // commander's implicit `help [command]` is --help by another name: left out
    commands: help
      .visibleCommands(cmd)
      .filter((c) => c.name() !== 'help')
      .map((c) => readCommandTree(c, path)),
  };
}

function readOption(o: Option, term: string, description: string): OptionSpec {
  const names = [o.short, o.long].filter((n): n is string => n !== undefined);
  // `--approve <step-id[@target]>` → `step-id[@target]`: what follows the names, without its brackets
  const placeholder = o.flags.replace(/^[^<[]*/, '').replace(/^[<[](.*)[>\]]$/, '$1');
  const value = o.required || o.optional ? placeholder || 'value' : null;
  return { names, value, choices: o.argChoices ?? [], description, term };
}

function readArgument(a: Argument): ArgumentSpec {
  return {
    name: a.name(),
    required: a.required,
    variadic: a.variadic,
    choices: a.argChoices ?? [],
    description: a.description,
  };
}

/** Every command of the tree, depth first, the root first. */
export function allCommands(root: CommandSpec): CommandSpec[] {
  return [root, ...root.commands.flatMap(allCommands)];
}
