import { type FlagSpec, OPAQUE, startsWithDashLookalike, type Token } from '../flag-grammar.js';
import type { Refusal } from './class.js';
import { value } from './shape.js';

/**
 * talosctl's persistent (root) flags that choose which cluster, endpoints or nodes a call
 * reaches. The adapter alone sets them; a runbook may not, however it spells them.
 */
export const CONNECTION_FLAGS: readonly FlagSpec[] = [
  value('nodes', 'n'),
  value('endpoints', 'e'),
  value('talosconfig'),
  value('context'),
  value('cluster', 'c'),
  value('siderov1-keys-dir'),
];
export const CONNECTION_LONG: ReadonlySet<string> = new Set(CONNECTION_FLAGS.map((f) => f.long));
/** A token that reads as a connection flag, even where talosctl would take it as a value. */
const CONNECTION_TEXT = /^(?:-[nec]|--(?:nodes|endpoints|talosconfig|context|cluster|siderov1-keys-dir)(?:=|$))/;

/** A token as messages show it: a ref is `<ref>`. */
export const shown = (t: Token): string => (t === OPAQUE ? '<ref>' : t);

/** Refuses the tokens that read as a connection flag or a look-alike of a flag. */
export function refuseTokens(argv: readonly Token[]): Refusal | undefined {
  for (const [index, t] of argv.entries()) {
    if (t === OPAQUE) continue;
    if (t.includes('\u0000')) return { index, flag: t, reason: 'contains a NUL byte' };
    if (CONNECTION_TEXT.test(t))
      return {
        index,
        flag: t.split('=')[0] as string,
        reason: `${t.split('=')[0]} chooses which cluster or nodes talosctl reaches: only talos-dr sets it (give node: / nodes:)`,
      };
    if (startsWithDashLookalike(t))
      return {
        index,
        flag: t,
        reason: `"${t}" starts with U+${(t.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}, which looks like '-' but is not: talosctl would read it as an argument`,
      };
  }
  return undefined;
}

/** A connection flag inside a short cluster of an argv whose command is unknown (best effort). */
export function connectionInCluster(argv: readonly Token[], from: number): Refusal | undefined {
  for (let i = from; i < argv.length; i++) {
    const t = argv[i];
    if (typeof t === 'string' && /^-[^-]/.test(t) && /[nec]/.test(t.slice(1)))
      return {
        index: i,
        flag: t,
        reason: `${t} may be read by talosctl as -n, -e or -c (which node or cluster it reaches); the command is unknown, so its flags cannot be told apart`,
      };
  }
  return undefined;
}
