/**
 * The effect class of every talosctl subcommand the engine may run: one registry, so a runbook
 * cannot make a dangerous command look harmless. An unknown subcommand counts as irreversible.
 */

export type Effect = 'read' | 'mutating' | 'irreversible';

/** Subcommand (the words before the first flag or value) → effect. */
export const EFFECT_REGISTRY: Readonly<Record<string, Effect>> = {
  reset: 'irreversible',
  'etcd leave': 'irreversible',
  'etcd remove-member': 'irreversible',
  bootstrap: 'irreversible',
  'etcd alarm disarm': 'mutating',
  'etcd defrag': 'mutating',
  'etcd forfeit-leadership': 'mutating',
  'apply-config': 'mutating',
  'etcd status': 'read',
  'etcd members': 'read',
  'etcd alarm list': 'read',
  'etcd snapshot': 'read',
  service: 'read',
  logs: 'read',
  get: 'read',
  dmesg: 'read',
  version: 'read',
  health: 'read',
};

const RANK: Readonly<Record<Effect, number>> = { read: 0, mutating: 1, irreversible: 2 };

/** Whether effect `a` is weaker than `b` (read < mutating < irreversible). */
export function isWeaker(a: Effect, b: Effect): boolean {
  return RANK[a] < RANK[b];
}

/**
 * The effect of an argv (without "talosctl"): the longest registry prefix of its leading words
 * (stopping at the first flag). `known: false` when no prefix matched: then it is irreversible.
 */
export function effectOf(argv: readonly string[]): { effect: Effect; subcommand: string; known: boolean } {
  const words: string[] = [];
  for (const a of argv) {
    if (a.startsWith('-')) break;
    words.push(a);
  }
  for (let n = words.length; n > 0; n--) {
    const sub = words.slice(0, n).join(' ');
    // own entries only: `constructor` or `toString` is an unknown (irreversible) subcommand
    const effect = Object.hasOwn(EFFECT_REGISTRY, sub) ? EFFECT_REGISTRY[sub] : undefined;
    if (effect !== undefined) return { effect, subcommand: sub, known: true };
  }
  return { effect: 'irreversible', subcommand: words.join(' ') || (argv[0] ?? ''), known: false };
}
