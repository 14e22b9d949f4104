import { describe, expect, it } from 'vitest';
import { zshCompletion } from '../../../src/cli/completion/zsh.js';
import { BARE_MODEL, realModel, sampleModel } from '../../helpers/completion-program.js';

/** The zsh script's decisions, read as text (test/cli/completion.test.ts runs it in zsh). */

const lines = (s: string) => s.split('\n').map((l) => l.trim());

describe('zshCompletion', () => {
  const script = zshCompletion(sampleModel());

  it('describes options and subcommands, and offers the first-argument words only without subcommands', () => {
    expect(lines(script)).toContain(
      `("talos-dr log") opts=('-h:display help for command' '--help:display help for command') subs=('show:the auditor'\\''s report' 'replay:re-decide') args=() files=0 ;;`,
    );
    expect(lines(script)).toContain(
      `("talos-dr drill") opts=('-a:all' '--approve-all:all' '-h:display help for command' '--help:display help for command') subs=() args=('nospace-full') files=0 ;;`,
    );
  });

  it('sends a file option to _files, and a free one to nothing', () => {
    expect(lines(script)).toContain(`("talos-dr run --log"|"talos-dr run --witness") _files; return ;;`);
    expect(lines(script)).toContain(`("talos-dr run --param"|"talos-dr log show --out") return ;;`);
    expect(lines(script)).toContain(`("talos-dr run --format") compadd -- 'mermaid' 'json'; return ;;`);
  });

  it("escapes a colon in a name (zsh's _describe splits name:description there) and joins lines", () => {
    const s = zshCompletion([
      {
        path: 'talos-dr',
        subcommands: [{ name: 'a:b', description: 'two\nlines' }],
        options: [],
        positional: { words: ['a:b'], files: false },
      },
    ]);
    expect(s).toContain(`subs=('a\\:b:two lines') args=()`);
  });

  it('registers itself both ways: as an $fpath file and when sourced', () => {
    expect(script.startsWith('#compdef talos-dr\n')).toBe(true);
    expect(script).toContain('else compdef _talos-dr talos-dr; fi');
  });

  it('lists every option of every command of the real program', async () => {
    const model = await realModel();
    const real = lines(zshCompletion(model));
    const missing = model.flatMap((c) => {
      const arm = real.find((l) => l.startsWith(`("${c.path}") opts=`)) ?? '';
      return c.options
        .flatMap((o) => o.names)
        .filter((n) => !arm.includes(`'${n}:`))
        .map((n) => `${c.path} ${n}`);
    });
    expect(missing).toEqual([]);
  });
  it('writes no case arm without a pattern for a program with no subcommand and no valued option', () => {
    // an empty pattern is a zsh syntax error: the whole script would fail to load
    const s = zshCompletion(BARE_MODEL);
    expect(s).not.toMatch(/^\s*\(\)/m);
    expect(s).toContain('"talos-dr")');
  });
});
