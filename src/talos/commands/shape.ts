import { type FlagSpec, OPAQUE, type ParsedArgv, type Token } from '../flag-grammar.js';
import type { CommandClass, CommandOutputs } from './class.js';

/**
 * How one command shape is written down in the registry: its words, its flags (talosctl's own,
 * read with flag-grammar.ts), its positional arguments, and a function from the parsed argv to
 * its class. The shapes themselves live in read-shapes.ts, etcd-shapes.ts and machine-shapes.ts.
 */

/** The argv as a shape's classify sees it: flags by their long name, the last one winning. */
export interface Parsed extends ParsedArgv {
  flag(long: string): Token | undefined;
  all(long: string): Token[];
  has(long: string): boolean;
}

/** What a shape decides; `shape` overrides the default name (e.g. "service <id> stop"). */
export type Verdict = Omit<CommandClass, 'shape' | 'known' | 'localFile' | 'outputs'> & { shape?: string };

export interface Shape {
  /** the command words (aliases listed separately) */
  path: readonly string[];
  aliases?: ReadonlyArray<readonly string[]>;
  flags: readonly FlagSpec[];
  /** number of positional arguments allowed */
  args: { min: number; max: number; names: readonly string[] };
  /** the class, or why the argv is not matched exactly (then it is irreversible) */
  classify(p: Parsed): Verdict | { unknown: string };
  localFileArg?: number;
  outputs?: CommandOutputs;
}

export const bool = (long: string, short?: string): FlagSpec => ({ long, short, kind: 'bool' });
export const value = (long: string, short?: string): FlagSpec => ({ long, short, kind: 'value' });

/** The flags of talosctl commands that may talk to a node in maintenance mode. */
export const insecure = [bool('insecure', 'i'), value('cert-fingerprint')];
/** The flags of talosctl commands that can wait for the node to come back. */
export const waitFlags = [bool('wait'), bool('debug'), value('timeout')];

/** No positional argument. */
export const none = { min: 0, max: 0, names: [] } as const;

/** A read: changes nothing anywhere. */
export const read = (reason: string): Verdict => ({
  effect: 'read',
  reason,
  destroys: undefined,
  outOfService: undefined,
  gate: false,
});

/** The values of a string-slice flag (repeatable, comma-separated); undefined if a ref. */
export function sliceValues(p: Parsed, long: string): string[] | undefined {
  const out: string[] = [];
  for (const v of p.all(long)) {
    if (v === OPAQUE) return undefined;
    out.push(...v.split(',').filter((x) => x !== ''));
  }
  return out;
}
