import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * test/ mirrors src/: every module with logic is imported, directly, by at least one test file
 * (test/**\/*.test.ts, any project). Reached only through other modules, a module's decisions are
 * tested by accident: a test of the caller passes for the callee's wrong reason, and nothing
 * says where its attack cases belong. The lists below are the only ways out, each checked.
 */
const SRC = resolve('src');
const TEST = resolve('test');

/** Modules without logic of their own: types, re-exports, process entry points. */
const NO_LOGIC: Record<string, 'types' | 're-export' | 'entry'> = {
  // process entry points: read argv/env/process and call a tested function (lab, e2e and install
  // tests start them as processes)
  'entry/lab-supervisor.ts': 'entry',
  'entry/single-executable.ts': 'entry',
  'entry/talos-dr.ts': 'entry',
  'entry/talosctl-lab.ts': 'entry',
  'lab/supervisor-main.ts': 'entry',
  'lab/talosctl-shim-main.ts': 'entry',
  // hands process.stdout/stderr/env/cwd to the commands: nothing to decide
  'io/context.ts': 'entry',
  // interfaces only (the decision table's row and decision)
  'triage/row.ts': 'types',
  // the name the runbooks use for member-presence's check
  'checks/member-present.ts': 're-export',
  // interfaces only (what createSession takes)
  'engine/session-options.ts': 'types',
};

/**
 * NOT YET: modules with logic that still have no test of their own. Every entry must still be
 * untested: writing its test fails this file until the entry is removed, so the list only shrinks.
 * - lab/net-supervise.ts: it drives `nft -i` as root for the supervisor; the lab's network-fault
 *   suite (test/integration/net-faults.test.ts) exercises it through the supervisor process
 */
const UNTESTED_TODO: readonly string[] = ['lab/net-supervise.ts'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The src modules (relative to src/, .ts) a file imports with a relative specifier, static or dynamic. */
function srcImportsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const specs = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1] ?? '');
  return specs
    .map((s) => relative(SRC, resolve(file, '..', s)).replace(/\.js$/, '.ts'))
    .filter((p) => !p.startsWith('..'));
}

const modules = tsFiles(SRC).map((f) => relative(SRC, f));
const testFiles = tsFiles(TEST).filter((f) => f.endsWith('.test.ts'));
const imported = new Set(testFiles.flatMap((f) => srcImportsOf(f)));
const untested = modules.filter((m) => !imported.has(m));

describe('every module with logic has a test that imports it', () => {
  it('lists no module outside the allow-lists that no test imports', () => {
    const missing = untested.filter((m) => !(m in NO_LOGIC) && !UNTESTED_TODO.includes(m));
    process.stdout.write(
      `tested-modules: ${modules.length} modules, ${untested.length} imported by no test ` +
        `(${untested.filter((m) => m in NO_LOGIC).length} without logic, ` +
        `${UNTESTED_TODO.length} to do)\n`,
    );
    expect(missing, 'write test/<same path>.test.ts for each (or, for no logic, add it to NO_LOGIC)').toEqual([]);
  });

  it('keeps the allow-lists true: no stale entry, no logic hidden as types', () => {
    const stale = [...Object.keys(NO_LOGIC), ...UNTESTED_TODO].filter((m) => !existsSync(join(SRC, m)));
    expect(stale, 'listed modules that do not exist').toEqual([]);
    expect(
      UNTESTED_TODO.filter((m) => imported.has(m)),
      'tested now: remove from UNTESTED_TODO',
    ).toEqual([]);
    // a 'types' module exports no value (a function there is logic); a 're-export' only re-exports
    const runtimeExport = /^export\s+(?:async\s+)?(?:const|let|var|function|class|enum|default)\b/m;
    for (const [m, kind] of Object.entries(NO_LOGIC)) {
      const text = readFileSync(join(SRC, m), 'utf8');
      if (kind === 'types') expect(runtimeExport.test(text), `${m} is listed as types only`).toBe(false);
      if (kind === 're-export')
        expect(text.replace(/^export\s+(?:type\s+)?(?:\*|\{[^}]*\})\s+from\s+'[^']+';\s*$/gm, '').trim(), m).toBe('');
      if (kind === 'entry') expect(m.startsWith('entry/') || /-main\.ts$|^io\/context\.ts$/.test(m), m).toBe(true);
    }
  });

  it('the scan sees static and dynamic imports, and nothing outside src/', () => {
    // the rule is only as good as its parser
    const file = join(TEST, 'x', 'y.test.ts');
    const text = [
      "import { a } from '../../src/runbook/flow.js';",
      "import type { B } from '../../src/runbook/model.js';",
      "const c = await import('../../src/compile/graph.js');",
      "export { d } from\n  '../../src/io/messages.js';",
      "import { e } from '../helpers/scale.js';",
      "import { f } from 'vitest';",
    ].join('\n');
    expect(srcImportsOf(file, text)).toEqual([
      'runbook/flow.ts',
      'runbook/model.ts',
      'compile/graph.ts',
      'io/messages.ts',
    ]);
    expect(testFiles.length).toBeGreaterThan(100);
    expect(imported.has('runbook/load.ts')).toBe(true);
  });
});
