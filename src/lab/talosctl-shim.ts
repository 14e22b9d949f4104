import type { ShimCtx, ShimIo } from './shim-context.js';
import { profileOf } from './shim-context.js';
import {
  etcdAlarmDisarm,
  etcdAlarmList,
  etcdDefrag,
  etcdForfeitLeadership,
  etcdLeave,
  etcdMembers,
  etcdRemoveMember,
  etcdSnapshot,
  etcdStatus,
} from './shim-etcd.js';
import { getResource } from './shim-get.js';
import { bootstrap, logs, reset, service, time, version } from './shim-node.js';
import { defaultLabDir, readLabState } from './state.js';
import { singleNodeError } from './talos-versions.js';

/**
 * talosctl-lab: a talosctl-compatible command line over the lab (etcdctl + the supervisor's node
 * records). It reads the lab from TALOS_DR_LAB_DIR (default ./.talos-dr/lab) and refuses any node
 * outside 127.0.0.0/8 before touching anything.
 */

const VALUE_FLAGS: Record<string, string> = {
  n: 'nodes',
  nodes: 'nodes',
  e: 'endpoints',
  endpoints: 'endpoints',
  talosconfig: 'talosconfig',
  context: 'context',
  c: 'cluster',
  cluster: 'cluster',
  tail: 'tail',
  o: 'output',
  output: 'output',
  'recover-from': 'recover-from',
  'system-labels-to-wipe': 'system-labels-to-wipe',
  'user-disks-to-wipe': 'user-disks-to-wipe',
  'wipe-mode': 'wipe-mode',
  timeout: 'timeout',
};
const BOOL_FLAGS: Record<string, string> = {
  'recover-skip-hash-check': 'recover-skip-hash-check',
  graceful: 'graceful',
  reboot: 'reboot',
  wait: 'wait',
  debug: 'debug',
  client: 'client',
  short: 'short',
  f: 'follow',
  follow: 'follow',
  i: 'insecure',
  insecure: 'insecure',
};

export interface ParsedArgs {
  readonly words: string[];
  readonly flags: Map<string, string[]>;
}

/** Splits talosctl-style argv into command words/args and flags (`--f v`, `--f=v`, `-n v`, bools). */
export function parseShimArgs(argv: readonly string[]): ParsedArgs | { error: string } {
  const words: string[] = [];
  const flags = new Map<string, string[]>();
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      words.push(...argv.slice(i + 1));
      break;
    }
    const m = /^--?([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(a);
    if (!m?.[1]) {
      words.push(a);
      continue;
    }
    const [, name, inline] = m as unknown as [string, string, string | undefined];
    const vf = VALUE_FLAGS[name];
    const bf = BOOL_FLAGS[name];
    if (vf) {
      const v = inline ?? argv[++i];
      if (v === undefined) return { error: `flag needs an argument: --${name}` };
      add(vf, v);
    } else if (bf) add(bf, inline ?? 'true');
    else return { error: `unknown flag: ${a}` };
  }
  return { words, flags };
}

const inLoopback = (n: string): boolean =>
  /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(n) && n.split('.').every((p) => Number(p) <= 255);

type Handler = (ctx: ShimCtx) => Promise<number> | number;
const COMMANDS: Record<string, { run: Handler; single?: boolean; args: number }> = {
  'etcd members': { run: etcdMembers, args: 0 },
  'etcd status': { run: etcdStatus, args: 0 },
  'etcd snapshot': { run: etcdSnapshot, single: true, args: 1 },
  'etcd alarm list': { run: etcdAlarmList, args: 0 },
  'etcd alarm disarm': { run: etcdAlarmDisarm, args: 0 },
  'etcd defrag': { run: etcdDefrag, single: true, args: 0 },
  'etcd leave': { run: etcdLeave, single: true, args: 0 },
  'etcd remove-member': { run: etcdRemoveMember, args: 1 },
  'etcd forfeit-leadership': { run: etcdForfeitLeadership, args: 0 },
  service: { run: service, args: 2 },
  logs: { run: logs, args: 1 },
  bootstrap: { run: bootstrap, single: true, args: 0 },
  reset: { run: reset, args: 0 },
  version: { run: version, args: 0 },
  get: { run: getResource, args: 2 },
  time: { run: time, args: 0 },
};

export const SUPPORTED_COMMANDS = Object.keys(COMMANDS);

/** Runs one talosctl-lab invocation; returns its exit code (0 or 1, as talosctl). */
export async function runShim(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  io: ShimIo,
): Promise<number> {
  const parsed = parseShimArgs(argv);
  if ('error' in parsed) {
    io.err(`${parsed.error}\n`);
    return 1;
  }
  const { words, flags } = parsed;
  const key = [3, 2, 1].map((k) => words.slice(0, k).join(' ')).find((k) => k in COMMANDS);
  const cmd = key ? COMMANDS[key] : undefined;
  if (!key || !cmd) {
    io.err(
      `talosctl-lab: unsupported command "${words.join(' ')}": the lab shim supports ${SUPPORTED_COMMANDS.join(', ')}\n`,
    );
    return 1;
  }
  const args = words.slice(key.split(' ').length);
  if (args.length > cmd.args) {
    io.err(`talosctl-lab: too many arguments for "${key}": ${args.join(' ')}\n`);
    return 1;
  }
  if (key === 'version') {
    const dir = defaultLabDir(env, cwd);
    return version({ dir, lab: readLabState(dir) ?? emptyLab, nodes: [], args, flags, io });
  }
  const nodes = (flags.get('nodes') ?? []).flatMap((n) => n.split(',')).filter((n) => n !== '');
  const outside = nodes.filter((n) => !inLoopback(n));
  if (outside.length > 0) {
    io.err(
      `talosctl-lab: refusing node(s) ${outside.join(', ')}: the lab shim only talks to lab members on 127.0.0.0/8 (use the real talosctl for real clusters)\n`,
    );
    return 1;
  }
  if (nodes.length === 0) {
    io.err(
      'nodes are not set for the command: please use `--nodes` flag or configuration file to set the nodes to run the command against\n',
    );
    return 1;
  }
  const dir = defaultLabDir(env, cwd);
  const lab = readLabState(dir);
  if (!lab) {
    io.err(`talosctl-lab: no lab in ${dir} (start one with \`talos-dr lab up\`, or set TALOS_DR_LAB_DIR)\n`);
    return 1;
  }
  if (cmd.single && nodes.length !== 1) {
    io.err(`${singleNodeError(profileOf({ lab }), key, nodes.length)}\n`);
    return 1;
  }
  return cmd.run({ dir, lab, nodes, args, flags, io });
}

const emptyLab = {
  version: 0,
  dir: '',
  nodes: [],
  quotaBytes: null,
  seedKeys: 0,
  seedPrefix: '',
  createdAt: '',
  supervisorPid: null,
};
