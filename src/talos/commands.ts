import type { ValueType } from '../checks/catalog.js';
import {
  boolValue,
  type FlagSpec,
  OPAQUE,
  type ParsedArgv,
  parseFlags,
  startsWithDashLookalike,
  type Token,
} from './flag-grammar.js';
import { parseSnapshot } from './parse/snapshot.js';

/**
 * THE talosctl command registry: every command shape a runbook or a user may write, read with
 * talosctl's own flag grammar (flag-grammar.ts), and what it does — its effect class, what it
 * destroys, what it takes out of service, whether a typed human gate is needed, and its outputs.
 * Lint, the compiler, the gate text, the dry-run adapter and the executor all ask this module;
 * nothing else knows a talosctl command. Anything not matched exactly (an unknown command,
 * action, flag or flag value) is irreversible.
 *
 * Classes, weakest first:
 * - read: changes nothing anywhere;
 * - local-write: changes nothing on the cluster, writes a local file (never over an existing one);
 * - disruptive: takes a member, its leadership or a node out of service for a while; runs only
 *   right after a fresh quorum check (and, for a node reboot or upgrade, a typed gate);
 * - irreversible: destroys something; runs only after a typed confirm and a live recheck.
 */

export type Effect = 'read' | 'local-write' | 'disruptive' | 'irreversible';
export const EFFECTS: readonly Effect[] = ['read', 'local-write', 'disruptive', 'irreversible'];

const RANK: Readonly<Record<Effect, number>> = { read: 0, 'local-write': 1, disruptive: 2, irreversible: 3 };

/** Whether effect `a` is weaker than `b`. */
export function isWeaker(a: Effect, b: Effect): boolean {
  return RANK[a] < RANK[b];
}

/** What a disruptive command takes out of service (what the quorum check must survive). */
export type OutOfService = 'member' | 'leadership' | 'node';

export interface CommandClass {
  effect: Effect;
  /** the command shape matched, e.g. "service <id> stop", "etcd remove-member <member-id>" */
  shape: string;
  /** false: no shape matched exactly (the effect is then irreversible) */
  known: boolean;
  /** why this class, in words for lint, describe and the gate */
  reason: string;
  /** what it destroys, named at the gate ("the member <id> of the etcd cluster") */
  destroys: string | undefined;
  outOfService: OutOfService | undefined;
  /** a typed human confirm (and its live recheck) is required before it runs */
  gate: boolean;
  /** local-write: the argv index of the local file it writes */
  localFile: number | undefined;
  /** the outputs a step can capture from it */
  outputs: Readonly<Record<string, { type: ValueType; description: string }>> | undefined;
}

/** A refusal: the argv may never be run (a flag that moves the command to other nodes, …). */
export interface Refusal {
  index: number;
  /** the flag or token as written */
  flag: string;
  reason: string;
}

export type Classification = { ok: true; value: CommandClass } | { ok: false; refusal: Refusal };

// ── flags ─────────────────────────────────────────────────────────────────────────────────

const bool = (long: string, short?: string): FlagSpec => ({ long, short, kind: 'bool' });
const value = (long: string, short?: string): FlagSpec => ({ long, short, kind: 'value' });

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
const CONNECTION_LONG = new Set(CONNECTION_FLAGS.map((f) => f.long));
/** A token that reads as a connection flag, even where talosctl would take it as a value. */
const CONNECTION_TEXT = /^(?:-[nec]|--(?:nodes|endpoints|talosconfig|context|cluster|siderov1-keys-dir)(?:=|$))/;

const insecure = [bool('insecure', 'i'), value('cert-fingerprint')];
const waitFlags = [bool('wait'), bool('debug'), value('timeout')];

// ── shapes ────────────────────────────────────────────────────────────────────────────────

interface Parsed extends ParsedArgv {
  flag(long: string): Token | undefined;
  all(long: string): Token[];
  has(long: string): boolean;
}

type Verdict = Omit<CommandClass, 'shape' | 'known' | 'localFile' | 'outputs'> & { shape?: string };

interface Shape {
  /** the command words (aliases listed separately) */
  path: readonly string[];
  aliases?: ReadonlyArray<readonly string[]>;
  flags: readonly FlagSpec[];
  /** number of positional arguments allowed */
  args: { min: number; max: number; names: readonly string[] };
  classify(p: Parsed): Verdict | { unknown: string };
  localFileArg?: number;
  outputs?: CommandClass['outputs'];
}

const read = (reason: string): Verdict => ({
  effect: 'read',
  reason,
  destroys: undefined,
  outOfService: undefined,
  gate: false,
});

/** The values of a string-slice flag (repeatable, comma-separated); undefined if a ref. */
function sliceValues(p: Parsed, long: string): string[] | undefined {
  const out: string[] = [];
  for (const v of p.all(long)) {
    if (v === OPAQUE) return undefined;
    out.push(...v.split(',').filter((x) => x !== ''));
  }
  return out;
}

/** What a reset destroys, from its wipe flags (talosctl reset defaults: graceful, wipe all). */
function resetVerdict(p: Parsed): Verdict | { unknown: string } {
  const graceful = p.has('graceful') ? boolValue(p.flag('graceful') as Token) : true;
  const reboot = p.has('reboot') ? boolValue(p.flag('reboot') as Token) : false;
  if (graceful === undefined) return { unknown: '--graceful has a value talosctl does not read as a bool' };
  if (reboot === undefined) return { unknown: '--reboot has a value talosctl does not read as a bool' };
  const labels = sliceValues(p, 'system-labels-to-wipe');
  const mode = p.flag('wipe-mode') ?? 'all';
  if (mode === OPAQUE || !['all', 'system-disk', 'user-disks'].includes(mode))
    return { unknown: `--wipe-mode ${mode === OPAQUE ? '(a reference)' : mode} is not all, system-disk or user-disks` };
  const parts: string[] = [];
  if (labels === undefined) parts.push('the system volumes named by a reference (known only at run time)');
  else if (labels.length > 0) parts.push(...labels.map(labelWords));
  else if (mode !== 'user-disks')
    parts.push('the whole system disk: STATE (its machine config) and EPHEMERAL (its etcd data)');
  if (mode !== 'system-disk' && p.has('user-disks-to-wipe')) parts.push('the user disks named');
  if (graceful) parts.unshift("first the node's etcd member leaves the cluster (graceful)");
  parts.push(reboot ? 'then the node reboots' : 'then the node powers off and stays off');
  return {
    effect: 'irreversible',
    reason: 'reset wipes data on the node',
    destroys: `wipes ${parts.join('; ')}`,
    outOfService: 'node',
    gate: true,
  };
}

function labelWords(label: string): string {
  switch (label) {
    case 'EPHEMERAL':
      return 'EPHEMERAL (/var: its etcd data unless etcd has its own ETCD volume, pods, images)';
    case 'ETCD':
      return 'ETCD (its etcd data directory, on Talos 1.14 with a dedicated ETCD volume)';
    case 'STATE':
      return 'STATE (its machine config)';
    case 'META':
      return 'META (its metadata partition)';
    default:
      return `${label} (a volume this registry does not know)`;
  }
}

const SERVICE_ACTIONS = ['status', 'start', 'stop', 'restart'];
const APPLY_MODES = ['auto', 'no-reboot', 'reboot', 'staged', 'try'];
const REBOOT_MODES = ['default', 'powercycle', 'force'];

const SNAPSHOT_OUTPUTS = {
  path: { type: 'path', description: 'where the snapshot was written' },
  bytes: { type: 'number', description: 'file size in bytes' },
  hash: { type: 'string', description: 'etcdutl hash, 8 hex digits' },
  revision: { type: 'number', description: 'etcd revision of the snapshot' },
  totalKeys: { type: 'number', description: 'bbolt keys in the snapshot' },
} as const;

const none = { min: 0, max: 0, names: [] } as const;

export const SHAPES: readonly Shape[] = [
  {
    path: ['etcd', 'members'],
    flags: [],
    args: none,
    classify: () => read('lists the etcd members as this node sees them'),
  },
  {
    path: ['etcd', 'status'],
    flags: [],
    args: none,
    classify: () => read("reads the member's etcd status"),
  },
  {
    path: ['etcd', 'alarm', 'list'],
    flags: [],
    args: none,
    classify: () => read('lists the etcd alarms'),
  },
  {
    path: ['etcd', 'alarm', 'disarm'],
    flags: [],
    args: none,
    classify: () => ({
      effect: 'irreversible',
      reason: 'disarms every etcd alarm cluster-wide (not only NOSPACE); an alarm cannot be raised again by hand',
      destroys:
        'clears every etcd alarm cluster-wide: etcd accepts writes again (if space is still short it re-raises)',
      outOfService: undefined,
      gate: true,
    }),
  },
  {
    path: ['etcd', 'defrag'],
    flags: [],
    args: none,
    classify: () => ({
      effect: 'disruptive',
      reason: 'defragmenting takes the member out of service: it blocks its reads and writes while it runs',
      destroys: undefined,
      outOfService: 'member',
      gate: false,
    }),
  },
  {
    path: ['etcd', 'forfeit-leadership'],
    flags: [],
    args: none,
    classify: () => ({
      effect: 'disruptive',
      reason: 'moves the etcd leadership: the cluster elects a new leader',
      destroys: undefined,
      outOfService: 'leadership',
      gate: false,
    }),
  },
  {
    path: ['etcd', 'leave'],
    flags: [],
    args: none,
    classify: () => ({
      effect: 'irreversible',
      reason: "removes the node's member from the etcd cluster and deletes its etcd data",
      destroys:
        "makes the node's etcd member leave the cluster and deletes its data directory: it can only come back by joining again empty",
      outOfService: 'member',
      gate: true,
    }),
  },
  {
    path: ['etcd', 'remove-member'],
    flags: [],
    args: { min: 1, max: 1, names: ['member-id'] },
    classify: (p) => {
      const id = p.args[0]?.value;
      if (id !== OPAQUE && id !== undefined && !/^[0-9a-f]{1,16}$/i.test(id))
        return { unknown: `"${id}" is not a hex member id (talosctl parses it with ParseUint base 16)` };
      return {
        effect: 'irreversible',
        reason: 'removes a member from the etcd cluster for good',
        destroys: `removes the member ${id === OPAQUE || id === undefined ? '' : `${id} `}from the etcd cluster for good: it can only come back by wiping its node and joining again`,
        outOfService: 'member',
        gate: true,
      };
    },
  },
  {
    path: ['etcd', 'snapshot'],
    flags: [],
    args: { min: 1, max: 1, names: ['path'] },
    localFileArg: 0,
    outputs: SNAPSHOT_OUTPUTS,
    classify: () => ({
      effect: 'local-write',
      reason: 'streams a snapshot of the member to a local file (it never replaces an existing file)',
      destroys: undefined,
      outOfService: undefined,
      gate: false,
    }),
  },
  {
    path: ['bootstrap'],
    flags: [value('recover-from'), bool('recover-skip-hash-check')],
    args: none,
    classify: (p) => {
      const skip = p.has('recover-skip-hash-check') ? boolValue(p.flag('recover-skip-hash-check') as Token) : false;
      if (skip === undefined) return { unknown: '--recover-skip-hash-check has a value that is not a bool' };
      const from = p.flag('recover-from');
      return {
        effect: 'irreversible',
        reason: 'creates a NEW etcd cluster from this node',
        destroys: `creates a NEW etcd cluster from this node${from === undefined ? '' : ` out of the snapshot${from === OPAQUE ? '' : ` ${from}`}${skip ? ' WITHOUT its hash check' : ''}`}: any other copy of the cluster data is no longer authoritative`,
        outOfService: undefined,
        gate: true,
      };
    },
  },
  {
    path: ['reset'],
    flags: [
      bool('graceful'),
      bool('reboot'),
      value('system-labels-to-wipe'),
      value('user-disks-to-wipe'),
      value('wipe-mode'),
      ...waitFlags,
      bool('insecure', 'i'),
    ],
    args: none,
    classify: resetVerdict,
  },
  {
    path: ['reboot'],
    flags: [value('mode', 'm'), ...waitFlags],
    args: none,
    classify: (p) => {
      const mode = p.flag('mode') ?? 'default';
      if (mode === OPAQUE || !REBOOT_MODES.includes(mode))
        return { unknown: `--mode ${String(mode)} is not a known reboot mode` };
      return {
        effect: 'disruptive',
        reason: 'reboots the node: its etcd member is out of service until it is back',
        destroys: undefined,
        outOfService: 'node',
        gate: true,
      };
    },
  },
  {
    path: ['shutdown'],
    flags: [bool('force'), ...waitFlags],
    args: none,
    classify: () => ({
      effect: 'irreversible',
      reason: 'powers the node off: nothing can bring it back remotely',
      destroys: 'powers the node off: its etcd member is gone until someone powers it on',
      outOfService: 'node',
      gate: true,
    }),
  },
  {
    path: ['upgrade'],
    flags: [
      value('image', 'i'),
      bool('preserve', 'p'),
      bool('stage', 's'),
      bool('force', 'f'),
      bool('insecure'),
      value('reboot-mode'),
      ...waitFlags,
    ],
    args: none,
    classify: (p) => {
      const force = p.has('force') ? boolValue(p.flag('force') as Token) : false;
      if (force === undefined) return { unknown: '--force has a value that is not a bool' };
      if (force)
        return {
          effect: 'irreversible',
          reason: 'upgrade --force skips the etcd health and membership checks: it can lose quorum and data',
          destroys: 'upgrades and reboots the node WITHOUT the etcd health checks: quorum and data may be lost',
          outOfService: 'node',
          gate: true,
        };
      return {
        effect: 'disruptive',
        reason: 'upgrades the node: it reboots, and its etcd member is out of service until it is back',
        destroys: undefined,
        outOfService: 'node',
        gate: true,
      };
    },
  },
  {
    path: ['apply-config'],
    aliases: [['apply']],
    flags: [
      value('file', 'f'),
      value('mode', 'm'),
      bool('dry-run'),
      value('config-patch', 'p'),
      value('timeout'),
      ...insecure,
    ],
    args: none,
    classify: (p) => {
      const dry = p.has('dry-run') ? boolValue(p.flag('dry-run') as Token) : false;
      if (dry === undefined) return { unknown: '--dry-run has a value that is not a bool' };
      if (dry) return read('apply-config --dry-run only shows what would change');
      const mode = p.flag('mode') ?? 'auto';
      if (mode === OPAQUE || !APPLY_MODES.includes(mode))
        return { unknown: `--mode ${String(mode)} is not a known apply mode` };
      const rebooting = mode === 'reboot' || mode === 'auto';
      return {
        effect: 'disruptive',
        reason: rebooting
          ? `apply-config --mode=${mode} replaces the machine config and may reboot the node (auto reboots on Talos ≤ 1.13 when needed)`
          : `apply-config --mode=${mode} replaces the machine config; services (etcd among them) may restart`,
        destroys: undefined,
        outOfService: 'node',
        gate: rebooting,
      };
    },
  },
  {
    path: ['service'],
    aliases: [['services']],
    flags: insecure,
    args: { min: 0, max: 2, names: ['id', 'action'] },
    classify: (p) => {
      const id = p.args[0]?.value;
      const action = p.args[1]?.value;
      if (action === undefined || action === 'status')
        return {
          ...read('shows service state'),
          shape: action === undefined ? 'service [<id>]' : 'service <id> status',
        };
      if (action === OPAQUE || !SERVICE_ACTIONS.includes(action))
        return {
          unknown: `"${action === OPAQUE ? '(a reference)' : action}" is not a service action (status, start, stop, restart)`,
        };
      const etcd = id === 'etcd';
      return {
        shape: `service <id> ${action}`,
        effect: 'disruptive',
        reason: `service ${id === OPAQUE ? '<id>' : id} ${action} ${etcd ? 'takes the etcd member out of service' : 'takes a service of the node out of service'}`,
        destroys: undefined,
        outOfService: etcd ? 'member' : 'node',
        gate: false,
      };
    },
  },
  {
    path: ['logs'],
    flags: [bool('follow', 'f'), value('tail'), bool('kubernetes', 'k'), bool('use-cri'), ...insecure],
    args: { min: 1, max: 1, names: ['id'] },
    classify: () => read('reads service logs'),
  },
  {
    path: ['dmesg'],
    flags: [bool('follow', 'f'), bool('tail'), ...insecure],
    args: none,
    classify: () => read('reads the kernel log'),
  },
  {
    path: ['get'],
    flags: [value('output', 'o'), value('namespace'), bool('watch', 'w'), ...insecure],
    args: { min: 1, max: 8, names: ['type', 'id'] },
    classify: () => read('reads a resource'),
  },
  {
    path: ['version'],
    flags: [bool('client'), bool('short'), bool('json'), ...insecure],
    args: none,
    classify: () => read('prints versions'),
  },
  {
    path: ['health'],
    flags: [
      bool('server'),
      value('wait-timeout'),
      value('control-plane-nodes'),
      value('worker-nodes'),
      value('init-node'),
      value('k8s-endpoint'),
    ],
    args: none,
    classify: () => read('runs the health checks'),
  },
  {
    path: ['time'],
    flags: [value('check')],
    args: none,
    classify: () => read("reads the node's time"),
  },
];

// ── classification ────────────────────────────────────────────────────────────────────────

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

const shown = (t: Token): string => (t === OPAQUE ? '<ref>' : t);

/** The shape whose command words (or an alias) start argv, longest first. */
function findShape(argv: readonly Token[]): { shape: Shape; words: number } | undefined {
  let best: { shape: Shape; words: number } | undefined;
  for (const shape of SHAPES) {
    for (const path of [shape.path, ...(shape.aliases ?? [])]) {
      if (path.length <= argv.length && path.every((w, i) => argv[i] === w) && path.length > (best?.words ?? 0))
        best = { shape, words: path.length };
    }
  }
  return best;
}

/** Refuses the tokens that read as a connection flag or a look-alike of a flag. */
function refuseTokens(argv: readonly Token[]): Refusal | undefined {
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

/** A connection flag inside a short cluster of an argv whose command is unknown (best effort). */
function connectionInCluster(argv: readonly Token[], from: number): Refusal | undefined {
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

/** Whether a step of this class needs a typed confirm and live recheck before it runs. */
export const needsGate = (c: Pick<CommandClass, 'gate'>): boolean => c.gate;
/** Whether a step of this class needs a fresh quorum check right before it runs. */
export const needsQuorum = (c: Pick<CommandClass, 'effect' | 'outOfService'>): boolean =>
  c.effect === 'disruptive' && c.outOfService !== undefined;

/** The classification of a literal argv; a refusal is thrown by callers that must not get one. */
export function classOf(argv: readonly string[]): Classification {
  return classify(argv);
}

/** Every shape's name, for docs and messages. */
export function knownShapes(): string[] {
  return SHAPES.map((s) => s.path.join(' '));
}

/**
 * Parses a command's output into the values its `outputs` declare, or undefined when the
 * command declares none. Only `etcd snapshot` has outputs today.
 */
export function parseOutputs(
  c: Pick<CommandClass, 'outputs' | 'shape'>,
  stdout: string,
  exitCode: number,
): ReturnType<typeof parseSnapshot> | undefined {
  if (c.outputs === undefined) return undefined;
  return c.shape.startsWith('etcd snapshot') ? parseSnapshot(stdout, exitCode) : undefined;
}
