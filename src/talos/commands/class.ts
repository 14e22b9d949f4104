import type { ValueType } from '../../checks/catalog.js';

/**
 * What the registry says about one talosctl argv: its effect class, what it destroys, what it
 * takes out of service, whether a typed human gate is needed, and its outputs. Lint, the
 * compiler, the gate text, the dry-run adapter and the executor read these, never argv.
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

/** The outputs a step can capture from a command (only `etcd snapshot` declares any today). */
export type CommandOutputs = Readonly<Record<string, { type: ValueType; description: string }>>;

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
  outputs: CommandOutputs | undefined;
}

/** A refusal: the argv may never be run (a flag that moves the command to other nodes, …). */
export interface Refusal {
  index: number;
  /** the flag or token as written */
  flag: string;
  reason: string;
}

export type Classification = { ok: true; value: CommandClass } | { ok: false; refusal: Refusal };

/** Whether a step of this class needs a typed confirm and live recheck before it runs. */
export const needsGate = (c: Pick<CommandClass, 'gate'>): boolean => c.gate;
/** Whether a step of this class needs a fresh quorum check right before it runs. */
export const needsQuorum = (c: Pick<CommandClass, 'effect' | 'outOfService'>): boolean =>
  c.effect === 'disruptive' && c.outOfService !== undefined;
