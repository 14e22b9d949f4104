import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * `--help` and `--version` are what a responder types first: they load the command tree and
 * nothing heavy. A module-load hook records every file the built CLI loads; the libraries a run
 * needs (execa, xstate, zod, yaml, listr2) must not be among them. Registering a command once
 * pulled execa in through a shared constant, and --help went from 148 to 222 ms.
 */
const HEAVY = [
  'node_modules/execa/',
  'node_modules/xstate/',
  'node_modules/zod/',
  'node_modules/yaml/',
  'node_modules/listr2/',
];

function loadedBy(args: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'talos-dr-loads-'));
  const out = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(out)}, url + '\\n'); return next(url, context); }
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(`file://${hooks}`)});\n`);
  writeFileSync(out, '');
  execFileSync(process.execPath, ['--import', register, 'bin/talos-dr', ...args], { stdio: 'pipe' });
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file:') && u.includes('/dist/'))
    .map((u) => fileURLToPath(u));
}

const heavyIn = (files: string[]): string[] =>
  HEAVY.filter((lib) => files.some((f) => readFileSync(f, 'utf8').includes(`// ${lib}`)));

describe('what the first commands load', () => {
  it('--help loads the command tree and none of the run libraries', () => {
    const files = loadedBy(['--help']);
    expect(files.length).toBeGreaterThan(3);
    expect(heavyIn(files)).toEqual([]);
  });

  it('--version loads none of them either', () => {
    expect(heavyIn(loadedBy(['--version']))).toEqual([]);
  });

  it('the hook sees a heavy library when one is loaded (the test can fail)', () => {
    const files = loadedBy(['lint', 'runbooks/health-check.yaml']);
    expect(heavyIn(files)).toEqual(expect.arrayContaining(['node_modules/zod/', 'node_modules/yaml/']));
  });
});
