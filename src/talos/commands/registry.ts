import type { Token } from '../flag-grammar.js';
import { ETCD_SHAPES } from './etcd-shapes.js';
import { MACHINE_SHAPES } from './machine-shapes.js';
import { READ_SHAPES } from './read-shapes.js';
import type { Shape } from './shape.js';

/**
 * THE list of talosctl command shapes talos-dr knows: each is written once, in the module of its
 * kind (reads, etcd changes, machine lifecycle). No two shapes share command words, so the order
 * here decides nothing.
 */
export const SHAPES: readonly Shape[] = [...READ_SHAPES, ...ETCD_SHAPES, ...MACHINE_SHAPES];

/** The shape whose command words (or an alias) start argv, longest first. */
export function findShape(argv: readonly Token[]): { shape: Shape; words: number } | undefined {
  let best: { shape: Shape; words: number } | undefined;
  for (const shape of SHAPES) {
    for (const path of [shape.path, ...(shape.aliases ?? [])]) {
      if (path.length <= argv.length && path.every((w, i) => argv[i] === w) && path.length > (best?.words ?? 0))
        best = { shape, words: path.length };
    }
  }
  return best;
}

/** Every shape's name, for docs and messages. */
export function knownShapes(): string[] {
  return SHAPES.map((s) => s.path.join(' '));
}
