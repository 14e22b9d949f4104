import type { Parsed, Shape, Verdict } from '../../src/talos/commands/shape.js';
import { parseFlags, type Token } from '../../src/talos/flag-grammar.js';

/**
 * A shape's own verdict on an argv, without the registry around it: the argv after the shape's
 * command words is read with the shape's flags by talosctl's grammar (flag-grammar.ts), as
 * classify.ts does, and handed to the shape's classify. For the tests of one shape module.
 */
export function verdictOf(
  shapes: readonly Shape[],
  words: readonly string[],
  rest: readonly Token[] = [],
): Verdict | { unknown: string } {
  const shape = shapes.find((s) => [s.path, ...(s.aliases ?? [])].some((p) => p.join(' ') === words.join(' ')));
  if (shape === undefined) throw new Error(`no shape ${words.join(' ')} in this list`);
  const g = parseFlags(rest, shape.flags, words.length);
  if (!g.ok) throw new Error(`the grammar refused ${JSON.stringify(rest)}: ${g.problem.kind} ${g.problem.flag}`);
  const p: Parsed = {
    ...g.value,
    flag: (long) => g.value.flags.filter((f) => f.long === long).at(-1)?.value,
    all: (long) => g.value.flags.filter((f) => f.long === long).map((f) => f.value),
    has: (long) => g.value.flags.some((f) => f.long === long),
  };
  return shape.classify(p);
}
