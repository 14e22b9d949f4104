import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCommands, type CommandSpec, readCommandTree } from '../../src/cli/command-tree.js';
import { bashCompletion } from '../../src/cli/completion/bash.js';
import { fishCompletion } from '../../src/cli/completion/fish.js';
import { zshCompletion } from '../../src/cli/completion/zsh.js';
import { makeProgram } from '../../src/cli/program.js';
import { BARE_MODEL } from '../helpers/completion-program.js';
import { runCli } from '../helpers/run-cli.js';

/**
 * Each completion script is loaded by its real shell (bash, zsh, fish: scripts/setup.sh installs
 * them) and asked what it completes. The all-options case walks the commander program itself, so
 * an option added later without reaching the scripts fails here.
 */

let work: string;
let tree: CommandSpec;
const scripts: Record<'bash' | 'zsh' | 'fish', string> = { bash: '', zsh: '', fish: '' };

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'tdr-completion-'));
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    const r = await runCli(['completion', shell]);
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = join(work, `talos-dr.${shell}`);
    writeFileSync(scripts[shell], r.stdout);
  }
  const nowhere = { write: () => true };
  tree = readCommandTree(
    await makeProgram(
      { stdout: nowhere, stderr: nowhere, env: {}, cwd: '/', signal: new AbortController().signal },
      () => {},
    ),
  );
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (shell: string, args: string[], input?: string): string =>
  execFileSync(shell, args, {
    encoding: 'utf8',
    cwd: work,
    ...(input === undefined ? {} : { input }),
    timeout: 60_000,
  });

/** What each line of typed words completes to (the last word is the one being completed). */
const CASES: [string[], string[]][] = [
  [['dr'], ['drill']],
  [
    ['drill', 'nospace-'],
    ['nospace-full', 'nospace-recovery'],
  ],
  [['run', 'nospace-r'], ['nospace-recovery']],
  [
    ['graph', '--format', ''],
    ['json', 'mermaid'],
  ],
  [
    ['lab', 'up', '--talos-version', '1.1'],
    ['1.10', '1.11', '1.13', '1.14'],
  ],
  [
    ['lab', 'up', '--etcd-volume', ''],
    ['dedicated', 'ephemeral'],
  ],
  [['log', 's'], ['show']],
  [['backup', 'restore'], ['restore-drill']],
  [
    ['completion', ''],
    ['bash', 'fish', 'zsh'],
  ],
  [['drill', '--first'], ['--first-address']],
  [['run', '--appr'], ['--approve']],
];

describe('talos-dr completion bash', () => {
  const bash = (lines: string[][]): string[] => {
    const calls = lines
      .map((words) => {
        const quoted = ['talos-dr', ...words].map((w) => `'${w}'`).join(' ');
        return `COMP_WORDS=(${quoted}); COMP_CWORD=${words.length}; COMPREPLY=(); _talos_dr; printf '%s\\n' "$(printf '%s\\n' "\${COMPREPLY[@]}" | sort | paste -sd' ')"`;
      })
      .join('\n');
    return run('bash', ['--norc', '--noprofile'], `source '${scripts.bash}'\n${calls}\n`).split('\n').slice(0, -1);
  };

  it('completes commands, subcommands, runbook and drill names, option values and options', () => {
    const out = bash(CASES.map(([w]) => w));
    expect(out).toEqual(CASES.map(([, want]) => want.join(' ')));
  });

  it('registers itself for talos-dr, with file names as the fallback', () => {
    expect(run('bash', ['--norc', '--noprofile', '-c', `source '${scripts.bash}'; complete -p talos-dr`]).trim()).toBe(
      'complete -o bashdefault -o default -F _talos_dr talos-dr',
    );
  });

  it('offers every option of every command of the program', () => {
    const lines: string[][] = [];
    const want: string[] = [];
    for (const c of allCommands(tree)) {
      for (const o of c.options) {
        for (const name of o.names) {
          lines.push([...c.path.slice(1), name]);
          want.push(name);
        }
      }
    }
    expect(lines.length).toBeGreaterThan(100);
    const out = bash(lines);
    const missing = lines.filter((_l, i) => !(out[i] ?? '').split(' ').includes(want[i] ?? '')).map((l) => l.join(' '));
    expect(missing).toEqual([]);
  });
});

describe('talos-dr completion zsh', () => {
  it('loads under compinit and registers _talos-dr for talos-dr', () => {
    const out = run('zsh', [
      '-f',
      '-c',
      `autoload -U compinit && compinit -u -d '${work}/zcompdump' && source '${scripts.zsh}' && print -r -- "\${_comps[talos-dr]}"`,
    ]);
    expect(out.trim()).toBe('_talos-dr');
  });

  it('completes the same words as bash (zsh builtins of the completion system stubbed to print)', () => {
    // _describe/compadd/_files print what they were given; the walk over $words is zsh's own
    const stubs = [
      'compdef() { : }',
      'compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@" }',
      '_files() { print -r -- "<files>" }',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: zsh's parameter expansion, not a template
      '_describe() { local -a a; a=("${(@P)${@[-1]}}"); print -rl -- "${a[@]%%:*}" }',
    ].join('\n');
    const calls = CASES.map(([w]) => {
      const quoted = ['talos-dr', ...w].map((x) => `'${x}'`).join(' ');
      return `words=(${quoted}); CURRENT=${w.length + 1}; _talos-dr; print -- '--end--'`;
    }).join('\n');
    const blocks = run('zsh', ['-f'], `${stubs}\nsource '${scripts.zsh}'\n${calls}\n`).split('--end--\n').slice(0, -1);
    // zsh's completion system keeps the words that start with what was typed: do the same here
    const got = blocks.map((b, i) => {
      const typed = CASES[i]?.[0].at(-1) ?? '';
      return b
        .split('\n')
        .filter((x) => x !== '' && x.startsWith(typed))
        .sort()
        .join(' ');
    });
    expect(got).toEqual(CASES.map(([, want]) => want.join(' ')));
  });
});

describe('talos-dr completion fish', () => {
  it('completes the same words as bash (fish `complete -C`)', () => {
    const calls = CASES.map(
      ([w]) => `complete -C ${quoteFish(['talos-dr', ...w].join(' '))} | cut -f1 | sort | paste -sd' ' -`,
    ).join('\n');
    const out = run('fish', ['--no-config', '-c', `source ${quoteFish(scripts.fish)}\n${calls}`])
      .split('\n')
      .slice(0, -1);
    expect(out).toEqual(CASES.map(([, want]) => want.join(' ')));
  });
});

const quoteFish = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

describe('completion scripts of the smallest program', () => {
  it('parse in bash, zsh and fish (no case arm without a pattern)', () => {
    const made = { bash: bashCompletion(BARE_MODEL), zsh: zshCompletion(BARE_MODEL), fish: fishCompletion(BARE_MODEL) };
    for (const [shell, text] of Object.entries(made)) {
      const file = join(work, `bare.${shell}`);
      writeFileSync(file, text);
      // -n: read and parse only; a syntax error exits non-zero and execFileSync throws
      expect(() => run(shell, ['-n', file]), shell).not.toThrow();
    }
  });
});
