import { allCommands, type CommandSpec, type OptionSpec } from '../command-tree.js';

/**
 * What a shell completes after each command path, shell-neutral: the completion scripts of
 * bash, zsh and fish are three renderings of this one model, made from the commander program.
 */

/** The runbook names completed where a command takes `<runbook>`. */
export interface CompletionNames {
  /** built-in runbooks (describe, graph, plan, run) */
  readonly runbooks: readonly string[];
  /** drill scenarios: the runbooks and their variants (drill) */
  readonly drills: readonly string[];
}

export type ValueKind =
  | { kind: 'none' }
  | { kind: 'file' }
  | { kind: 'free' }
  | { kind: 'words'; words: readonly string[] };

export interface CompletionOption {
  readonly names: readonly string[];
  readonly description: string;
  /** what follows the option: nothing (a switch), a file, free text, or one of some words */
  readonly value: ValueKind;
}

export interface CompletionCommand {
  /** `talos-dr log show` */
  readonly path: string;
  readonly subcommands: readonly { name: string; description: string }[];
  readonly options: readonly CompletionOption[];
  /** the first positional argument: words (names, choices) and/or files */
  readonly positional: { words: readonly string[]; files: boolean };
}

// placeholders that name a file or folder (`--log <file>`, `--witness <file|dir>`, `--out <name>` of keygen is a prefix)
const FILE_VALUE = /\b(file|path|dir|log|public-key)\b/;
const FILE_ARGUMENT = /^(file|log|paths)$/;

/** The model of every command of `root`. */
export function completionModel(root: CommandSpec, names: CompletionNames): CompletionCommand[] {
  return allCommands(root).map((c) => ({
    path: c.path.join(' '),
    subcommands: c.commands.map((s) => ({ name: s.path.at(-1) ?? '', description: s.description })),
    options: c.options.map(completionOption),
    positional: positionalOf(c, names),
  }));
}

function completionOption(o: OptionSpec): CompletionOption {
  const value: ValueKind =
    o.value === null
      ? { kind: 'none' }
      : o.choices.length > 0
        ? { kind: 'words', words: o.choices }
        : FILE_VALUE.test(o.value)
          ? { kind: 'file' }
          : { kind: 'free' };
  return { names: o.names, description: o.description, value };
}

function positionalOf(c: CommandSpec, names: CompletionNames): CompletionCommand['positional'] {
  if (c.commands.length > 0) return { words: c.commands.map((s) => s.path.at(-1) ?? ''), files: false };
  const first = c.arguments[0];
  if (first === undefined) return { words: [], files: false };
  // a runbook is a name or a file; a drill takes only names (scenarios of the built-in runbooks)
  if (first.name === 'runbook')
    return c.path.at(-1) === 'drill' ? { words: names.drills, files: false } : { words: names.runbooks, files: true };
  if (first.choices.length > 0) return { words: first.choices, files: false };
  return { words: [], files: FILE_ARGUMENT.test(first.name) };
}

/** `'it'\''s'`: a word any of the three shells reads back as itself. */
export const shellQuote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;
