import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';

// The folder layout is the architecture: src/cli is the composition root (and src/entry the
// processes above it). Nothing below them may import from them, or the core stops being testable
// without the shell it is meant to be injected into. src/drill is an application service above
// the lab and the engine: only cli/ and entry/ use it, and the lab never reaches up into it.
const SRC = resolve('src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Each relative import of a file (static, type-only or dynamic), resolved to a path under `root`. */
function importsOf(root: string, file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1] ?? '');
  return specs.map((s) => relative(root, resolve(file, '..', s)));
}

/** `file → import` for every file of `root` outside `allowed` (folders) that imports from `folder`. */
function offenders(root: string, folder: string, allowed: readonly string[]): string[] {
  const inside = (path: string, dir: string): boolean => path.startsWith(`${dir}/`);
  return tsFiles(root)
    .map((f) => relative(root, f))
    .filter((f) => !allowed.some((dir) => inside(f, dir)))
    .flatMap((f) =>
      importsOf(root, join(root, f))
        .filter((i) => inside(i, folder))
        .map((i) => `${f} → ${i}`),
    );
}

describe('layers', () => {
  it('no module outside src/cli and src/entry imports from src/cli', () => {
    expect(offenders(SRC, 'cli', ['cli', 'entry'])).toEqual([]);
  });

  it('only src/cli and src/entry import from src/drill (the lab, the engine and the rest do not)', () => {
    expect(offenders(SRC, 'drill', ['drill', 'cli', 'entry'])).toEqual([]);
  });

  it('the scan sees imports (it would catch one)', () => {
    // the rules are only as good as the parser: known imports in known files must be found
    expect(importsOf(SRC, join(SRC, 'entry', 'talos-dr.ts'))).toContain('cli/main.js');
    expect(importsOf(SRC, join(SRC, 'cli', 'commands', 'drill.ts')).filter((i) => i.startsWith('drill/'))).not.toEqual(
      [],
    );
  });

  it('a lab module that imports the drill is named (the rule fails when broken)', () => {
    // a tree of three files: lab/ reaching up into drill/ (statically and lazily), cli/ allowed to
    const root = mkdtempSync(join(tmpdir(), 'tdr-layers-'));
    onTestFinished(() => rmSync(root, { recursive: true, force: true }));
    for (const d of ['lab', 'drill', 'cli']) mkdirSync(join(root, d));
    writeFileSync(join(root, 'drill', 'run.ts'), 'export const x = 1;\n');
    writeFileSync(
      join(root, 'lab', 'bad.ts'),
      "import type { x } from '../drill/run.js';\nconst later = () => import('../drill/run.js');\n",
    );
    writeFileSync(join(root, 'cli', 'ok.ts'), "import { x } from '../drill/run.js';\n");
    expect(offenders(root, 'drill', ['drill', 'cli', 'entry'])).toEqual([
      'lab/bad.ts → drill/run.js',
      'lab/bad.ts → drill/run.js',
    ]);
  });
});
