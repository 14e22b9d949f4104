import { allCommands, type CommandSpec } from './command-tree.js';

/**
 * man/talos-dr.1 (`npm run gen:man`): the --help of every command as one roff page (man(7)
 * macros), so `man talos-dr` says what --help says. Pure: the same program gives the same bytes
 * (no date), which test/cli/man-page.test.ts holds the checked-in page to.
 */

export interface ManPageInput {
  readonly root: CommandSpec;
  readonly version: string;
  /** EXIT_CODE_HELP: "Exit codes:" then one "  N    meaning" line each */
  readonly exitCodes: string;
}

export function manPage({ root, version, exitCodes }: ManPageInput): string {
  const commands = allCommands(root).slice(1);
  return [
    `.TH TALOS-DR 1 "" "talos-dr ${version}" "User Commands"`,
    // no hyphenation, ragged right: flags and paths stay whole
    '.nh',
    '.ad l',
    '.SH NAME',
    `talos-dr \\- ${esc(lowerFirst(root.description.replace(/\.$/, '')))}`,
    '.SH SYNOPSIS',
    `.B talos-dr\n${esc(root.usage)}`,
    '.SH DESCRIPTION',
    esc(
      'talos-dr runs YAML runbooks for etcd on Talos Linux as verified state machines: it checks what the ' +
        'cluster reports before and after every step, stops for a typed confirmation before anything ' +
        'irreversible, and writes a hash-chained log an auditor can verify. Every command has --help; ' +
        'this page is those texts, generated.',
    ),
    '.SH OPTIONS',
    ...root.options.flatMap(optionItem),
    '.SH COMMANDS',
    ...commands.flatMap(commandSection),
    '.SH EXIT STATUS',
    ...exitCodes
      .split('\n')
      .slice(1)
      .flatMap((line) => {
        const m = /^\s*(\d+)\s+(.*)$/.exec(line);
        return m ? ['.TP', `.B ${m[1]}`, esc(m[2] ?? '')] : [];
      }),
    '.SH FILES',
    '.TP',
    '.I ~/.local/state/talos-dr/',
    esc(
      'locks, witness heads and (for the single executable) the built-in runbooks; $TALOS_DR_STATE_DIR, else $XDG_STATE_HOME/talos-dr',
    ),
    '.SH SEE ALSO',
    '.BR talosctl (1),',
    '.BR etcdctl (1);',
    esc('README.md and docs/ of the talos-dr package or repository.'),
    '',
  ].join('\n');
}

function commandSection(c: CommandSpec): string[] {
  const name = c.path.join(' ');
  return [
    `.SS "${esc(name)}"`,
    `.B ${esc(name)}\n${esc(c.usage)}`,
    '.PP',
    esc(c.description),
    ...c.arguments.flatMap((a) => (a.description ? ['.TP', `.I ${esc(a.name)}`, esc(a.description)] : [])),
    ...(c.commands.length > 0 ? ['.PP', esc(`Commands: ${c.commands.map((s) => s.path.at(-1)).join(', ')}.`)] : []),
    ...c.options.filter((o) => !o.names.includes('--help')).flatMap(optionItem),
  ];
}

function optionItem(o: { term: string; description: string }): string[] {
  return ['.TP', `.B ${esc(o.term)}`, esc(o.description)];
}

/** Text as roff reads it literally: backslashes, hyphens of options, and no line taken for a request. */
function esc(text: string): string {
  return text
    .replaceAll('\\', '\\e')
    .replaceAll('-', '\\-')
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n');
}

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** The page of this very program (its commands registered with a context that writes nowhere). */
export async function programManPage(): Promise<string> {
  const [{ makeProgram }, { readCommandTree }, { EXIT_CODE_HELP }, pkg] = await Promise.all([
    import('./program.js'),
    import('./command-tree.js'),
    import('../io/exit-codes.js'),
    import('../../package.json', { with: { type: 'json' } }),
  ]);
  const nowhere = { write: () => true };
  const program = await makeProgram(
    { stdout: nowhere, stderr: nowhere, env: {}, cwd: '/', signal: new AbortController().signal },
    () => {},
  );
  return manPage({ root: readCommandTree(program), version: pkg.default.version, exitCodes: EXIT_CODE_HELP });
}
