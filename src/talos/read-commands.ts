import { parseAlarms, parseMembers, parseService, parseStatus, parseTime, parseVolumeStatus } from './parse/index.js';
import type { ParseResult } from './parse/result.js';

/**
 * The one list of what a check may read from one node: the talosctl argv of each read (sent with
 * `-n <node>`) and its parser. The live reader runs them; `log replay` recognises them in a log
 * and parses them again with the same parser.
 */
export const READ_COMMANDS = {
  members: ['etcd', 'members'],
  status: ['etcd', 'status'],
  alarms: ['etcd', 'alarm', 'list'],
  service: ['service', 'etcd'],
  /** the node's clock next to its NTP server's (clock-skew preflight) */
  time: ['time'],
  /** where etcd's data lives: a directory under EPHEMERAL, or a dedicated ETCD partition (v1.14) */
  volume: ['get', 'volumestatus', 'ETCD', '--output', 'json'],
} as const;

export type CommandReadKind = keyof typeof READ_COMMANDS;

export const READ_PARSERS: Readonly<Record<CommandReadKind, (stdout: string) => ParseResult<unknown>>> = {
  members: parseMembers,
  status: parseStatus,
  alarms: parseAlarms,
  service: parseService,
  time: parseTime,
  volume: parseVolumeStatus,
};

/** The read kind of a recorded argv (node and endpoint flags ignored), or undefined. */
export function readKindOf(argv: readonly string[]): CommandReadKind | undefined {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-n' || a === '--nodes' || a === '-e' || a === '--endpoints') i++;
    else if (a === '--output' || a === '-o') {
      words.push('--output', argv[i + 1] ?? '');
      i++;
    } else if (!a.startsWith('-')) words.push(a);
  }
  const text = words.join(' ');
  for (const [kind, cmd] of Object.entries(READ_COMMANDS) as [CommandReadKind, readonly string[]][])
    if (text === cmd.join(' ')) return kind;
  return undefined;
}
