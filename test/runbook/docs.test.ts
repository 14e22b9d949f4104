import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';
import { DIAGNOSTICS } from '../../src/runbook/diagnostic-codes.js';
import { diagnosticCodeTable } from '../../src/runbook/diagnostics-doc.js';
import { STEP_KINDS, VALUE_TYPES } from '../../src/runbook/schema.js';

const doc = readFileSync('docs/runbook-format.md', 'utf8');

describe('docs/runbook-format.md', () => {
  it('holds the generated error-code table (run `npm run gen:docs` when stale)', () => {
    expect(doc).toContain(diagnosticCodeTable());
    for (const code of Object.keys(DIAGNOSTICS)) expect(doc).toContain(`| ${code} |`);
  });

  it('documents every step kind and param type', () => {
    for (const kind of STEP_KINDS) expect(doc).toContain(`### \`${kind}\``);
    for (const type of VALUE_TYPES) expect(doc).toContain(`| \`${type}\` |`);
  });

  it('has a complete example that lints clean', () => {
    const example = /## A complete example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const r = lintRunbook(example, 'example.yaml');
    expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual([]);
    expect(example).toContain('talosctl: [etcd, remove-member');
  });
});
