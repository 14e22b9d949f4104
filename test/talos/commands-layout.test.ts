import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, SHAPES } from '../../src/talos/commands.js';
import { READ_COMMANDS } from '../../src/talos/read-commands.js';

// The registry is one list, each command written once, in modules a reader takes in at a glance.

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('command registry layout', () => {
  it('describes each command once: no two shapes (or aliases) share their command words', () => {
    const words = SHAPES.flatMap((s) => [s.path, ...(s.aliases ?? [])].map((p) => p.join(' ')));
    const twice = words.filter((w, i) => words.indexOf(w) !== i);
    expect(twice).toEqual([]);
    expect(words.length).toBeGreaterThanOrEqual(22);
  });

  it('knows every read the checks make as a read: the reader never runs a command the registry would gate', () => {
    for (const [kind, argv] of Object.entries(READ_COMMANDS)) {
      const c = classify(argv);
      expect(c.ok && c.value.known && c.value.effect, kind).toBe('read');
    }
  });

  // issue #19: a module a newcomer reads in one sitting; the whole of src/, not only these two
  it('keeps every module of src/ within 300 lines', () => {
    const long = tsFiles('src')
      .map((f) => ({ f, lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((x) => x.lines > 300)
      .map((x) => `${x.f}: ${x.lines} lines`);
    expect(long).toEqual([]);
  });
});
