import { SHAPES } from '../../src/talos/commands.js';

/**
 * Test oracles for the command registry, written apart from src/talos/flag-grammar.ts so that
 * a mistake there is not repeated here.
 *
 * `mayReadConnection`: could talosctl (cobra + pflag) read any token of argv as a connection flag
 * (-n/--nodes, -e/--endpoints, -c/--cluster, --talosconfig, --context, --siderov1-keys-dir)?
 * A flag the registry does not know may be a bool or a value flag of talosctl's: both readings
 * are tried, so the answer holds whatever flags the real talosctl has.
 *
 * `isExactRead`: is argv exactly one of the read shapes, with only that shape's own flags (as the
 * talosctl reference lists them) and its number of arguments?
 */

const CONNECTION_LONG = new Set(['nodes', 'endpoints', 'cluster', 'talosconfig', 'context', 'siderov1-keys-dir']);
const CONNECTION_SHORT = new Set(['n', 'e', 'c']);

interface Specs {
  long: Map<string, 'bool' | 'value'>;
  short: Map<string, 'bool' | 'value'>;
}

/** The registry shape whose words (or alias) start argv, longest first; its flags as data. */
function shapeOf(argv: readonly string[]): { words: number; specs: Specs } {
  let best = { words: 0, specs: { long: new Map(), short: new Map() } as Specs };
  for (const s of SHAPES) {
    for (const path of [s.path, ...(s.aliases ?? [])]) {
      if (path.length > best.words && path.length <= argv.length && path.every((w, i) => argv[i] === w)) {
        const specs: Specs = { long: new Map(), short: new Map() };
        for (const f of s.flags) {
          specs.long.set(f.long, f.kind);
          if (f.short !== undefined) specs.short.set(f.short, f.kind);
        }
        best = { words: path.length, specs };
      }
    }
  }
  return best;
}

export function mayReadConnection(argv: readonly string[]): boolean {
  const { words, specs } = shapeOf(argv);
  // the command words are not flags; with no shape found, every token is read from the start
  const tokens = argv.slice(words);
  const memo = new Map<number, boolean>();
  const walk = (i: number): boolean => {
    if (i >= tokens.length) return false;
    const known = memo.get(i);
    if (known !== undefined) return known;
    memo.set(i, false);
    const v = step(i);
    memo.set(i, v);
    return v;
  };
  const step = (i: number): boolean => {
    const t = tokens[i] as string;
    if (t === '--') return false;
    if (!t.startsWith('-') || t === '-') return walk(i + 1);
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
      if (CONNECTION_LONG.has(name)) return true;
      const kind = specs.long.get(name);
      if (eq >= 0 || kind === 'bool') return walk(i + 1);
      if (kind === 'value') return walk(i + 2);
      return walk(i + 1) || walk(i + 2); // unknown: a bool, or a value flag taking the next token
    }
    return shortCluster(t.slice(1), i);
  };
  const shortCluster = (rest: string, i: number): boolean => {
    if (rest.length === 0) return walk(i + 1);
    const letter = rest[0] as string;
    if (CONNECTION_SHORT.has(letter)) return true;
    if (rest.length > 2 && rest[1] === '=') return walk(i + 1);
    const kind = specs.short.get(letter);
    const asBool = () => shortCluster(rest.slice(1), i);
    const asValue = () => (rest.length > 1 ? walk(i + 1) : walk(i + 2));
    if (kind === 'bool') return asBool();
    if (kind === 'value') return asValue();
    return asBool() || asValue();
  };
  return walk(0);
}

type Kind = 'bool' | 'value';
interface ReadShape {
  flags: Record<string, { kind: Kind; short?: string }>;
  args: [min: number, max: number];
  /** extra condition on the parsed flags and arguments */
  when?: (flags: Map<string, string>, args: string[]) => boolean;
}

const insecure = { insecure: { kind: 'bool', short: 'i' }, 'cert-fingerprint': { kind: 'value' } } as const;
const APPLY: ReadShape = {
  flags: {
    file: { kind: 'value', short: 'f' },
    mode: { kind: 'value', short: 'm' },
    'dry-run': { kind: 'bool' },
    'config-patch': { kind: 'value', short: 'p' },
    timeout: { kind: 'value' },
    ...insecure,
  },
  args: [0, 0],
  when: (f) => ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(f.get('dry-run') ?? 'false'),
};
const SERVICE: ReadShape = {
  flags: { ...insecure },
  args: [0, 2],
  when: (_f, a) => a[1] === undefined || a[1] === 'status',
};

/** The read shapes and their flags, from the talosctl reference (sections 11-14) and the registry docs. */
export const READ_SHAPES: Record<string, ReadShape> = {
  'etcd members': { flags: {}, args: [0, 0] },
  'etcd status': { flags: {}, args: [0, 0] },
  'etcd alarm list': { flags: {}, args: [0, 0] },
  service: SERVICE,
  services: SERVICE,
  logs: {
    flags: {
      follow: { kind: 'bool', short: 'f' },
      tail: { kind: 'value' },
      kubernetes: { kind: 'bool', short: 'k' },
      'use-cri': { kind: 'bool' },
      ...insecure,
    },
    args: [1, 1],
  },
  dmesg: { flags: { follow: { kind: 'bool', short: 'f' }, tail: { kind: 'bool' }, ...insecure }, args: [0, 0] },
  get: {
    flags: {
      output: { kind: 'value', short: 'o' },
      namespace: { kind: 'value' },
      watch: { kind: 'bool', short: 'w' },
      ...insecure,
    },
    args: [1, 8],
  },
  version: {
    flags: { client: { kind: 'bool' }, short: { kind: 'bool' }, json: { kind: 'bool' }, ...insecure },
    args: [0, 0],
  },
  health: {
    flags: {
      server: { kind: 'bool' },
      'wait-timeout': { kind: 'value' },
      'control-plane-nodes': { kind: 'value' },
      'worker-nodes': { kind: 'value' },
      'init-node': { kind: 'value' },
      'k8s-endpoint': { kind: 'value' },
    },
    args: [0, 0],
  },
  time: { flags: { check: { kind: 'value' } }, args: [0, 0] },
  'apply-config': APPLY,
  apply: APPLY,
};

/** Strict pflag reading of argv against one read shape; false on anything it does not know. */
export function isExactRead(argv: readonly string[]): boolean {
  for (const [path, shape] of Object.entries(READ_SHAPES)) {
    const words = path.split(' ');
    if (words.length > argv.length || !words.every((w, i) => argv[i] === w)) continue;
    // the longest path wins ("etcd alarm list" is not "etcd" + args); only one can match here
    if (readsAs(argv.slice(words.length), shape)) return true;
  }
  return false;
}

function readsAs(tokens: readonly string[], shape: ReadShape): boolean {
  const byShort = new Map<string, string>();
  for (const [long, f] of Object.entries(shape.flags)) if (f.short !== undefined) byShort.set(f.short, long);
  const flags = new Map<string, string>();
  const args: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (t === '--') {
      args.push(...tokens.slice(i + 1));
      break;
    }
    if (!t.startsWith('-') || t === '-') {
      args.push(t);
      continue;
    }
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t.slice(2) : t.slice(2, eq);
      const f = Object.hasOwn(shape.flags, name) ? shape.flags[name] : undefined;
      if (f === undefined) return false;
      if (eq >= 0) flags.set(name, t.slice(eq + 1));
      else if (f.kind === 'bool') flags.set(name, 'true');
      else if (i + 1 < tokens.length) flags.set(name, tokens[++i] as string);
      else return false;
      continue;
    }
    let rest = t.slice(1);
    while (rest.length > 0) {
      const long = byShort.get(rest[0] as string);
      if (long === undefined) return false;
      const f = shape.flags[long] as { kind: Kind };
      if (rest.length > 2 && rest[1] === '=') {
        flags.set(long, rest.slice(2));
        rest = '';
      } else if (f.kind === 'bool') {
        flags.set(long, 'true');
        rest = rest.slice(1);
      } else if (rest.length > 1) {
        flags.set(long, rest.slice(1));
        rest = '';
      } else if (i + 1 < tokens.length) {
        flags.set(long, tokens[++i] as string);
        rest = '';
      } else return false;
    }
  }
  if (args.length < shape.args[0] || args.length > shape.args[1]) return false;
  return shape.when === undefined || shape.when(flags, args);
}
