import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runbookJsonSchema } from '../../src/runbook/json-schema.js';

describe('schema/runbook.schema.json', () => {
  it('is what `npm run gen:schema` writes from the zod schema (not stale)', () => {
    expect(readFileSync('schema/runbook.schema.json', 'utf8')).toBe(runbookJsonSchema());
  });

  it('describes every step kind', () => {
    const text = runbookJsonSchema();
    for (const kind of [
      'read',
      'talosctl',
      'precondition',
      'wait',
      'postcondition',
      'confirm',
      'manual',
      'foreach',
      'choice',
      'end',
    ]) {
      expect(text).toContain(`"${kind}"`);
    }
  });
});
