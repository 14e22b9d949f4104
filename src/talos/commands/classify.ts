import { OPAQUE, parseFlags, type Token } from '../flag-grammar.js';
import type { Classification, CommandClass } from './class.js';
import { CONNECTION_FLAGS, CONNECTION_LONG, connectionInCluster, refuseTokens, shown } from './connection.js';
import { findShape } from './registry.js';
import type { Parsed } from './shape.js';

/** The class of anything not matched exactly: irreversible, gated, named as unknown. */
const UNKNOWN = (shape: string, reason: string): CommandClass => ({
  effect: 'irreversible',
  shape,
  known: false,
  reason: `${reason}: anything not matched exactly is treated as irreversible`,
  destroys: 'does something talos-dr does not know: treat it as destroying data',
  outOfService: 'node',
  gate: true,
  localFile: undefined,
  outputs: undefined,
});

/**
 * Classifies a talosctl argv (without "talosctl" and without the -n the adapter adds). Tokens
 * may be OPAQUE (a ref resolved at run time): the class is then the strongest the shape allows
 * for any value there, and an OPAQUE action word is unknown. A refusal means the argv must never
 * run: it carries a connection flag (however it is spelled) or a look-alike dash.
 */
export function classify(argv: readonly Token[]): Classification {
  const refused = refuseTokens(argv);
  if (refused !== undefined) return { ok: false, refusal: refused };
  const words: string[] = [];
  for (const t of argv) {
    if (t === OPAQUE || t.startsWith('-')) break;
    words.push(t);
  }
  const found = findShape(argv);
  if (found === undefined) {
    // read the flags anyway, so a connection flag hidden in a short cluster is refused
    const hidden = connectionInCluster(argv, 0);
    if (hidden !== undefined) return { ok: false, refusal: hidden };
    return {
      ok: true,
      value: UNKNOWN(words.join(' ') || shown(argv[0] ?? ''), 'not a talosctl command shape talos-dr knows'),
    };
  }
  const { shape, words: n } = found;
  const name = shape.path.join(' ');
  const flags = [...shape.flags, ...CONNECTION_FLAGS];
  const g = parseFlags(argv.slice(n), flags, n);
  if (!g.ok) {
    const pr = g.problem;
    if (pr.kind === 'unknown-flag' && pr.after !== undefined && /[nec]/.test(pr.after))
      return {
        ok: false,
        refusal: {
          index: pr.index,
          flag: shown(argv[pr.index] ?? ''),
          reason: `${shown(argv[pr.index] ?? '')} combines short flags that talosctl may read as -n, -e or -c (which node or cluster it reaches)`,
        },
      };
    // the grammar stopped here: a cluster it read before (-fn… then --bogus) or one after the
    // flag it does not know (which talosctl may know as a bool) could still reach -n/-e/-c
    const hidden = connectionInCluster(argv, n);
    if (hidden !== undefined) return { ok: false, refusal: hidden };
    return {
      ok: true,
      value: UNKNOWN(name, pr.kind === 'unknown-flag' ? `${name} has no flag ${pr.flag}` : `${pr.flag} needs a value`),
    };
  }
  const conn = g.value.flags.find((f) => CONNECTION_LONG.has(f.long));
  if (conn !== undefined)
    return {
      ok: false,
      refusal: {
        index: conn.index,
        flag: shown(argv[conn.index] ?? ''),
        reason: `${shown(argv[conn.index] ?? '')} sets --${conn.long}, which chooses which cluster or nodes talosctl reaches: only talos-dr sets it (give node: / nodes:)`,
      },
    };
  const { args } = g.value;
  if (args.length < shape.args.min || args.length > shape.args.max) {
    const want =
      shape.args.max === 0
        ? 'no argument'
        : `${shape.args.names.map((x) => `<${x}>`).join(' ')} (${shape.args.min}–${shape.args.max})`;
    return { ok: true, value: UNKNOWN(name, `${name} takes ${want}, got ${args.length}`) };
  }
  const parsed: Parsed = {
    ...g.value,
    flag: (long) => g.value.flags.filter((f) => f.long === long).at(-1)?.value,
    all: (long) => g.value.flags.filter((f) => f.long === long).map((f) => f.value),
    has: (long) => g.value.flags.some((f) => f.long === long),
  };
  const v = shape.classify(parsed);
  if ('unknown' in v) return { ok: true, value: UNKNOWN(name, v.unknown) };
  const localIndex = shape.localFileArg === undefined ? undefined : args[shape.localFileArg]?.index;
  return {
    ok: true,
    value: {
      ...v,
      shape: v.shape ?? [name, ...shape.args.names.slice(0, args.length).map((x) => `<${x}>`)].join(' '),
      known: true,
      localFile: localIndex,
      outputs: shape.outputs,
    },
  };
}

/** The classification of a literal argv; a refusal is thrown by callers that must not get one. */
export function classOf(argv: readonly string[]): Classification {
  return classify(argv);
}
