import { describe, expect, it } from 'vitest';
import { readCommandTree } from '../../../src/cli/command-tree.js';
import { type CompletionCommand, completionModel, shellQuote } from '../../../src/cli/completion/model.js';
import { SAMPLE_NAMES, sampleModel, sampleProgram } from '../../helpers/completion-program.js';

/** The shell-neutral model: which words follow each command path, and what an option's value is. */

const byPath = (model: CompletionCommand[]): Map<string, CompletionCommand> => new Map(model.map((c) => [c.path, c]));

describe('completionModel', () => {
  const m = byPath(sampleModel());
  const kindOf = (path: string, name: string) =>
    m.get(path)?.options.find((o) => o.names.includes(name))?.value ?? 'no such option';

  it('has every command path, the root first, subcommands under their group', () => {
    expect([...m.keys()]).toEqual([
      'talos-dr',
      'talos-dr run',
      'talos-dr drill',
      'talos-dr log',
      'talos-dr log show',
      'talos-dr log replay',
      'talos-dr completion',
      'talos-dr lint',
      'talos-dr list',
    ]);
    expect(m.get('talos-dr log')?.subcommands).toEqual([
      { name: 'show', description: "the auditor's\nreport" },
      { name: 'replay', description: 're-decide' },
    ]);
  });

  it('tells a switch, a file, free text and choices apart', () => {
    expect(kindOf('talos-dr run', '--json')).toEqual({ kind: 'none' });
    expect(kindOf('talos-dr run', '--log')).toEqual({ kind: 'file' });
    expect(kindOf('talos-dr run', '--witness')).toEqual({ kind: 'file' });
    expect(kindOf('talos-dr run', '--param')).toEqual({ kind: 'free' });
    expect(kindOf('talos-dr run', '--format')).toEqual({ kind: 'words', words: ['mermaid', 'json'] });
    // a base name, not a file to pick: keygen's --out <name> writes <name>.key and <name>.pub
    expect(kindOf('talos-dr log show', '--out')).toEqual({ kind: 'free' });
    expect(kindOf('talos-dr lint', '--no-hints')).toEqual({ kind: 'none' });
  });

  it('keeps every spelling of an option, short first', () => {
    expect(m.get('talos-dr drill')?.options.map((o) => o.names)).toContainEqual(['-a', '--approve-all']);
  });

  it('completes a runbook with names and files, a drill with names only', () => {
    expect(m.get('talos-dr run')?.positional).toEqual({ words: SAMPLE_NAMES.runbooks, files: true });
    expect(m.get('talos-dr drill')?.positional).toEqual({ words: SAMPLE_NAMES.drills, files: false });
  });

  it('completes an argument with choices, a file, or nothing of ours', () => {
    expect(m.get('talos-dr completion')?.positional).toEqual({ words: ['bash', 'zsh', 'fish'], files: false });
    expect(m.get('talos-dr log show')?.positional).toEqual({ words: [], files: true });
    expect(m.get('talos-dr lint')?.positional).toEqual({ words: [], files: true });
    expect(m.get('talos-dr log replay')?.positional).toEqual({ words: [], files: false });
    expect(m.get('talos-dr list')?.positional).toEqual({ words: [], files: false });
  });

  it('completes a group with its subcommand names, not files', () => {
    expect(m.get('talos-dr log')?.positional).toEqual({ words: ['show', 'replay'], files: false });
    expect(m.get('talos-dr')?.positional.words).toEqual(['run', 'drill', 'log', 'completion', 'lint', 'list']);
  });

  it('leaves out commander’s implicit help command', () => {
    const p = sampleProgram();
    p.helpCommand(true);
    const model = completionModel(readCommandTree(p), SAMPLE_NAMES);
    expect(model.find((c) => c.path === 'talos-dr')?.subcommands.map((s) => s.name)).not.toContain('help');
  });
});

describe('shellQuote', () => {
  it.each([
    ['plain', "'plain'"],
    ["it's", "'it'\\''s'"],
    ['', "''"],
    ["''", "''\\'''\\'''"],
    ['$HOME `x` "y"', '\'$HOME `x` "y"\''],
  ])('quotes %j as %s', (s, quoted) => {
    expect(shellQuote(s)).toBe(quoted);
  });
});
