import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The folder layout is the architecture: src/cli is the composition root (and src/entry the
// processes above it). Nothing below them may import from them, or the core stops being testable
// without the shell it is meant to be injected into.
const SRC = resolve('src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Each relative import of a file, resolved to a path under src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1] ?? '');
  return specs.map((s) => relative(SRC, resolve(file, '..', s)));
}

describe('layers', () => {
  it('no module outside src/cli and src/entry imports from src/cli', () => {
    const offenders = tsFiles(SRC)
      .filter((f) => !/^(cli|entry)\//.test(relative(SRC, f)))
      .flatMap((f) =>
        importsOf(f)
          .filter((i) => i.startsWith('cli/'))
          .map((i) => `${relative(SRC, f)} → ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the scan sees imports (it would catch one)', () => {
    // the rule is only as good as its parser: a cli import in a known file must be found
    const main = importsOf(join(SRC, 'entry', 'talos-dr.ts'));
    expect(main).toContain('cli/main.js');
  });
});
