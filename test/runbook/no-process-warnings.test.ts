import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';

// Found by the runbook fuzzer: a collection used as a mapping key made the yaml library print
// "(node) Warning: Keys with collection values will be stringified" on stderr during lint.
describe('hostile YAML keys', () => {
  it('give located diagnostics and no process warning', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    const text = readFileSync('runbooks/nospace-recovery.yaml', 'utf8').replace(
      'kind: Runbook\n',
      'kind: Runbook\n? [a, b]\n: x\n? { c: d }\n: y\n',
    );
    const r = lintRunbook(text, 'm.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) for (const e of r.errors) expect(e.line).toBeGreaterThanOrEqual(1);
    expect(warn).not.toHaveBeenCalled();
  });
});
