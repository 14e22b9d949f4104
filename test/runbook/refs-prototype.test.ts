import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';
import { resolveRef, typeOfRef } from '../../src/runbook/refs.js';

// Found by the reliability campaign: refs were looked up with plain indexing, so
// `{ ref: constructor.prototype }` reached Object.prototype ("is a [object Object], expected nodes").
// a fixture of our own: the built-in runbooks change, this test must not change with them
const BASE = readFileSync('fixtures/runbooks/valid/remove-lost-member.yaml', 'utf8');

describe('refs never reach inherited properties', () => {
  it.each([
    'constructor.prototype',
    'params.__proto__',
    'params.toString',
    'toString',
    '__proto__.x',
  ])('lint: { ref: %s } is refused with a located error', (ref) => {
    const text = BASE.replace(
      'read: { observe: lost-member, with: { nodes: { ref: params.nodes } } }',
      `read: { observe: lost-member, with: { nodes: { ref: ${ref} } } }`,
    );
    expect(text).not.toBe(BASE);
    const r = lintRunbook(text, 'm.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // RB1211 unknown ref, or RB1106 where the ref's shape is already refused by the schema
    expect(r.errors.some((e) => e.code === 'RB1211' || e.code === 'RB1106')).toBe(true);
    for (const e of r.errors) expect(e.message).not.toMatch(/\[object Object\]|undefined|function/);
  });

  it('typeOfRef and resolveRef see own entries only', () => {
    const scope = { params: { nodes: { type: 'nodes' as const } }, captures: {}, vars: {} };
    expect(typeOfRef('params.nodes', scope)).toBe('nodes');
    expect(typeOfRef('constructor.prototype', scope)).toBeUndefined();
    expect(typeOfRef('params.hasOwnProperty', scope)).toBeUndefined();
    const run = { params: { nodes: ['10.0.0.1'] }, captures: {}, vars: {} };
    expect(resolveRef({ ref: 'params.nodes' }, run)).toEqual({ ok: true, value: ['10.0.0.1'] });
    for (const ref of ['constructor.prototype', 'params.constructor', 'valueOf', '__proto__.x'])
      expect(resolveRef({ ref }, run)).toEqual({ ok: false, reason: `{ ref: ${ref} } is not set` });
  });
});
