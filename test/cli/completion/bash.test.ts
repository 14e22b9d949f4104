import { describe, expect, it } from 'vitest';
import { bashCompletion } from '../../../src/cli/completion/bash.js';
import { BARE_MODEL, realModel, sampleModel } from '../../helpers/completion-program.js';

/**
 * The bash script's decisions, read as text (test/cli/completion.test.ts runs it in bash): the
 * arm of each command path, what follows each kind of option, and the walk down subcommands.
 */

const lines = (s: string) => s.split('\n').map((l) => l.trim());

describe('bashCompletion', () => {
  const script = bashCompletion(sampleModel());

  it('gives each command path its options, its first-argument words and whether files fit', () => {
    expect(lines(script)).toEqual(
      expect.arrayContaining([
        `"talos-dr") opts='-h --help'; words='run drill log completion lint list'; files=0 ;;`,
        `"talos-dr run") opts='--log --witness --param --json --format -h --help'; words='nospace-recovery restore'; files=1 ;;`,
        `"talos-dr drill") opts='-a --approve-all -h --help'; words='nospace-full'; files=0 ;;`,
        `"talos-dr log show") opts='--out -h --help'; words=''; files=1 ;;`,
        `"talos-dr completion") opts='-h --help'; words='bash zsh fish'; files=0 ;;`,
      ]),
    );
  });

  it("completes a choice option's value from its words, and offers nothing for a file or free text", () => {
    expect(lines(script)).toContain(
      `"talos-dr run --format") COMPREPLY=($(compgen -W 'mermaid json' -- "$cur")); return ;;`,
    );
    // file and free values alike: nothing of ours, so bash's -o default offers file names
    expect(lines(script)).toContain(
      `"talos-dr run --log"|"talos-dr run --witness"|"talos-dr run --param"|"talos-dr log show --out") COMPREPLY=(); return ;;`,
    );
    // a switch takes no value: the word after --json is completed as usual
    expect(script).not.toContain('"talos-dr run --json"');
    expect(script).not.toContain('"talos-dr lint --no-hints"');
  });

  it('walks into every subcommand, nested ones included', () => {
    const walk = lines(script).find((l) => l.startsWith('"talos-dr run"|'));
    expect(walk?.split(')')[0]?.split('|')).toEqual([
      '"talos-dr run"',
      '"talos-dr drill"',
      '"talos-dr log"',
      '"talos-dr completion"',
      '"talos-dr lint"',
      '"talos-dr list"',
      '"talos-dr log show"',
      '"talos-dr log replay"',
    ]);
  });

  it('quotes a word with a quote in it so bash reads it back', () => {
    const s = bashCompletion([
      {
        path: 'talos-dr x',
        subcommands: [],
        options: [{ names: ['--mode'], description: '', value: { kind: 'words', words: ["it's", 'b'] } }],
        positional: { words: [], files: false },
      },
    ]);
    expect(s).toContain(`compgen -W 'it'\\''s b' -- "$cur"`);
  });

  it('lists every option of every command of the real program in that command’s arm', async () => {
    const model = await realModel();
    const real = bashCompletion(model);
    const missing = model.flatMap((c) => {
      const arm = lines(real).find((l) => l.startsWith(`"${c.path}") opts=`)) ?? '';
      const opts = /opts='([^']*)'/.exec(arm)?.[1]?.split(' ') ?? [];
      return c.options
        .flatMap((o) => o.names)
        .filter((n) => !opts.includes(n))
        .map((n) => `${c.path} ${n}`);
    });
    expect(missing).toEqual([]);
    expect(model.length).toBeGreaterThan(30);
  });
  it('writes no case arm without a pattern for a program with no subcommand and no valued option', () => {
    // an empty pattern is a bash syntax error: the whole script would fail to load
    const s = bashCompletion(BARE_MODEL);
    expect(s).not.toMatch(/^\s*\)/m);
    expect(s).toContain('"talos-dr")');
  });
});
