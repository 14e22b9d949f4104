import { Command, CommanderError } from 'commander';
import { registerBackupMaintenance } from '../../src/cli/commands/backup-maintenance.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/io/context.js';

/**
 * Reads the command lines of the shipped scheduling files (deploy/) as a shell or systemd would,
 * and parses them with the real talos-dr program (every command of main.ts, flags and all), so a
 * renamed or removed flag fails a test instead of a 2 a.m. backup.
 */

/** `KEY=value` lines (comments and blanks skipped); refuses what systemd and sh would read apart. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const m = /^([A-Z_][A-Z0-9_]*)=([^\s"'`$\\]*)$/.exec(line);
    if (m === null) throw new Error(`not KEY=value (no quotes, spaces or $): ${JSON.stringify(line)}`);
    env[m[1] as string] = m[2] as string;
  }
  return env;
}

/** `$X`, `${X}` and `$(X)` (Kubernetes) from env; an unknown variable is an error, not ''. */
export function expand(word: string, env: Record<string, string>): string {
  return word.replace(/\$(?:\{(\w+)\}|\((\w+)\)|(\w+))/g, (_, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    const v = env[name];
    if (v === undefined) throw new Error(`$${name} is not set by the shipped env`);
    return v;
  });
}

/** Words of a POSIX shell command line: '…' literal, "…" and bare words expanded. */
export function shellWords(line: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  let cur: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (/\s/.test(ch)) {
      if (cur !== undefined) words.push(cur);
      cur = undefined;
    } else if (ch === "'" || ch === '"') {
      const end = line.indexOf(ch, i + 1);
      if (end < 0) throw new Error(`unclosed ${ch} in ${line}`);
      const inner = line.slice(i + 1, end);
      cur = (cur ?? '') + (ch === '"' ? expand(inner, env) : inner);
      i = end;
    } else {
      const m = /^[^\s'"]+/.exec(line.slice(i))?.[0] ?? ch;
      cur = (cur ?? '') + expand(m, env);
      i += m.length - 1;
    }
  }
  if (cur !== undefined) words.push(cur);
  return words;
}

/** Splits a shell list at `;`, `&&` and `||` outside quotes (enough for the shipped lines). */
export function shellCommands(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ';' || ((ch === '&' || ch === '|') && line[i + 1] === ch)) {
      out.push(line.slice(start, i).trim());
      start = ch === ';' ? i + 1 : i + 2;
      if (ch !== ';') i++;
    }
  }
  out.push(line.slice(start).trim());
  return out.filter((c) => c !== '');
}

export interface Parsed {
  /** `backup run` */
  readonly command: string;
  readonly opts: Record<string, unknown>;
  readonly args: readonly unknown[];
}

const quiet = { write: () => true };

/** Parses argv (after `talos-dr`) with the real program; throws commander's error on a bad flag. */
export async function parseTalosDr(argv: readonly string[]): Promise<Parsed> {
  const ctx: CliContext = { stdout: quiet, stderr: quiet, env: {}, cwd: '/', signal: new AbortController().signal };
  const program = new Command('talos-dr').exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const load of COMMANDS) (await load()).register(program, ctx, () => {});
  const backup = program.commands.find((c) => c.name() === 'backup') ?? program.command('backup');
  if (!backup.commands.some((c) => c.name() === 'prune')) registerBackupMaintenance(backup, ctx, () => {});
  let parsed: Parsed | undefined;
  const capture = (cmd: Command, path: string): void => {
    cmd.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
    if (cmd.commands.length === 0)
      cmd.action((...a: unknown[]) => {
        parsed = { command: path, opts: cmd.opts(), args: a.slice(0, -2) };
      });
    for (const sub of cmd.commands) capture(sub, `${path} ${sub.name()}`.trim());
  };
  for (const c of program.commands) capture(c, c.name());
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new Error(`talos-dr ${argv.join(' ')}: ${e.message}`);
    throw e;
  }
  if (parsed === undefined) throw new Error(`talos-dr ${argv.join(' ')}: no command ran`);
  return parsed;
}
