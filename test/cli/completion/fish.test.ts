import { describe, expect, it } from 'vitest';
import { fishCompletion } from '../../../src/cli/completion/fish.js';
import { realModel, sampleModel } from '../../helpers/completion-program.js';

/** The fish script's decisions, read as text (test/cli/completion.test.ts runs it in fish). */

const when = (path: string) => `complete -c talos-dr -n '__talos_dr_path_is '\\''${path}'\\'''`;

describe('fishCompletion', () => {
  const lines = fishCompletion(sampleModel()).split('\n');

  it('spells long options with -l, short ones with -s, and says what follows each', () => {
    expect(lines).toEqual(
      expect.arrayContaining([
        `${when('talos-dr run')} -l log -r -F -d 'where the log goes'`,
        `${when('talos-dr run')} -l param -x -d 'a param'`,
        `${when('talos-dr run')} -l json -d 'JSON'`,
        `${when('talos-dr run')} -l format -x -a 'mermaid json' -d 'output format (choices: "mermaid", "json")'`,
        `${when('talos-dr drill')} -s a -l approve-all -d 'all'`,
      ]),
    );
  });

  it('keeps file names beside runbook names, and only names for a drill or choices', () => {
    expect(lines).toContain(`${when('talos-dr run')} -a 'nospace-recovery restore'`);
    expect(lines).toContain(`${when('talos-dr drill')} -f -a 'nospace-full'`);
    expect(lines).toContain(`${when('talos-dr completion')} -f -a 'bash zsh fish'`);
  });

  it('turns file names off where nothing is a file, and leaves them on where a file fits', () => {
    expect(lines).toContain(`${when('talos-dr list')} -f`);
    expect(lines).toContain(`${when('talos-dr log')} -f`);
    expect(lines).not.toContain(`${when('talos-dr log show')} -f`);
    expect(lines).not.toContain(`${when('talos-dr lint')} -f`);
  });

  it('offers subcommands with their descriptions on one line', () => {
    expect(lines).toContain(`${when('talos-dr log')} -f -a 'show' -d 'the auditor'\\''s report'`);
  });

  it('has a line for every option of every command of the real program', async () => {
    const model = await realModel();
    const real = fishCompletion(model).split('\n');
    const missing = model.flatMap((c) =>
      c.options
        .flatMap((o) => o.names)
        .filter((n) => {
          const spelled = n.startsWith('--') ? `-l ${n.slice(2)}` : `-s ${n.slice(1)}`;
          return !real.some((l) => l.startsWith(`${when(c.path)} `) && ` ${l} `.includes(` ${spelled} `));
        })
        .map((n) => `${c.path} ${n}`),
    );
    expect(missing).toEqual([]);
  });
});
