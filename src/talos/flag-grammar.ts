/**
 * talosctl's own flag grammar (cobra + spf13/pflag), so that an argv is read the way talosctl
 * reads it: `--flag=value`, `--flag value`, `--bool`, `--bool=false`, `-x value`, `-xVALUE`,
 * `-x=VALUE`, combined short flags (`-fn10.5.0.3` is `-f -n 10.5.0.3` when -f is a bool),
 * and `--` ending the flags. A value-taking flag takes the next token whatever it looks like
 * (pflag does), so `--config-patch --nodes` gives the patch the text "--nodes".
 *
 * A token may be OPAQUE: a `{ ref: … }` whose value is known only at run time. Its value never
 * starts with '-' (validateArgvValue refuses that), so it is read as an argument or a flag value.
 */

export const OPAQUE: unique symbol = Symbol('opaque argv value');
export type Token = string | typeof OPAQUE;

export interface FlagSpec {
  long: string;
  short?: string;
  /** bool flags take no value unless written `--x=value` / `-x=value` */
  kind: 'bool' | 'value';
}

export interface ParsedFlag {
  long: string;
  /** the value as written (bool flags given alone: 'true'); OPAQUE for a ref */
  value: Token;
  /** index of the argv token where the flag was written */
  index: number;
}

export interface ParsedArgv {
  flags: ParsedFlag[];
  args: Array<{ value: Token; index: number }>;
}

export type GrammarProblem =
  /** `after`: in a short cluster, the letters after the unknown one (unread) */
  | { kind: 'unknown-flag'; index: number; flag: string; after?: string }
  | { kind: 'missing-value'; index: number; flag: string };

export type GrammarResult = { ok: true; value: ParsedArgv } | { ok: false; problem: GrammarProblem };

/**
 * Reads `tokens` (the argv after the command words) with the flags `specs`, starting at argv
 * index `offset` (for messages).
 */
export function parseFlags(tokens: readonly Token[], specs: readonly FlagSpec[], offset = 0): GrammarResult {
  const byLong = new Map(specs.map((s) => [s.long, s]));
  const byShort = new Map(specs.filter((s) => s.short !== undefined).map((s) => [s.short as string, s]));
  const flags: ParsedFlag[] = [];
  const args: ParsedArgv['args'] = [];
  let i = 0;
  const fail = (problem: GrammarProblem): GrammarResult => ({ ok: false, problem });
  while (i < tokens.length) {
    const tok = tokens[i] as Token;
    const index = offset + i;
    i++;
    if (tok === OPAQUE || !tok.startsWith('-') || tok === '-') {
      args.push({ value: tok, index });
      continue;
    }
    if (tok === '--') {
      for (; i < tokens.length; i++) args.push({ value: tokens[i] as Token, index: offset + i });
      break;
    }
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = eq < 0 ? tok.slice(2) : tok.slice(2, eq);
      const spec = byLong.get(name);
      if (spec === undefined) return fail({ kind: 'unknown-flag', index, flag: `--${name}` });
      if (eq >= 0) flags.push({ long: spec.long, value: tok.slice(eq + 1), index });
      else if (spec.kind === 'bool') flags.push({ long: spec.long, value: 'true', index });
      else if (i < tokens.length) flags.push({ long: spec.long, value: tokens[i++] as Token, index });
      else return fail({ kind: 'missing-value', index, flag: `--${name}` });
      continue;
    }
    // one or more short flags: pflag's parseSingleShortArg, letter by letter
    let rest = tok.slice(1);
    while (rest.length > 0) {
      const letter = rest[0] as string;
      const spec = byShort.get(letter);
      if (spec === undefined) {
        // pflag stops at the first unknown letter; the letters after it cannot be read
        return fail({ kind: 'unknown-flag', index, flag: `-${letter}`, after: rest.slice(1) });
      }
      if (rest.length > 2 && rest[1] === '=') {
        flags.push({ long: spec.long, value: rest.slice(2), index });
        rest = '';
      } else if (spec.kind === 'bool') {
        flags.push({ long: spec.long, value: 'true', index });
        rest = rest.slice(1);
      } else if (rest.length > 1) {
        flags.push({ long: spec.long, value: rest.slice(1), index });
        rest = '';
      } else if (i < tokens.length) {
        flags.push({ long: spec.long, value: tokens[i++] as Token, index });
        rest = '';
      } else {
        return fail({ kind: 'missing-value', index, flag: `-${letter}` });
      }
    }
  }
  return { ok: true, value: { flags, args } };
}

/** pflag's strconv.ParseBool: the spellings talosctl accepts for a bool flag's value. */
export function boolValue(v: Token): boolean | undefined {
  if (v === OPAQUE) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/**
 * Characters that look like '-' but are not: talosctl reads a token starting with one of them
 * as an argument, while a person reading the runbook sees a flag.
 */
const DASH_LOOKALIKES = /^[\u00ad\u2010-\u2015\u2212\u2796\ufe58\ufe63\uff0d]/u;

export function startsWithDashLookalike(tok: string): boolean {
  return DASH_LOOKALIKES.test(tok);
}
