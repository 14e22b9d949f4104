import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { lintRunbook } from '../../src/compile/lint.js';
import { DIAGNOSTICS } from '../../src/runbook/diagnostic-codes.js';
import { scaled } from '../helpers/scale.js';

// Random damage to valid runbooks never throws: the result is a valid runbook or located errors.
const sources = ['runbooks/nospace-recovery.yaml', 'fixtures/runbooks/valid/remove-lost-member.yaml'].map((f) =>
  readFileSync(f, 'utf8'),
);

function expectLocatedOrValid(text: string): void {
  const r = lintRunbook(text, 'm.yaml');
  if (r.ok) return;
  expect(r.errors.length).toBeGreaterThan(0);
  for (const e of r.errors) {
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.col).toBeGreaterThanOrEqual(1);
    expect(Object.keys(DIAGNOSTICS)).toContain(e.code);
    expect(e.message).not.toMatch(/undefined|\[object Object\]/);
  }
}

const junk = fc.oneof(
  fc.constantFrom(
    '',
    '-',
    ':',
    '[',
    '{',
    '*a',
    '&a',
    '"',
    "'",
    '#',
    '  ',
    'etcd leave',
    '{ ref: x.y }',
    'true',
    '0x1F',
    '1.10',
    '~',
  ),
  fc.string({ maxLength: 8 }),
);
const value = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    0,
    -1,
    1.5,
    '',
    'x',
    'etcd leave',
    [],
    {},
    { ref: 'params.nodes' },
    { ref: 'nope.x' },
    { goto: 'done' },
    ['etcd', 'leave'],
  ),
  fc.string({ maxLength: 6 }),
);

describe('random mutations of valid runbooks', () => {
  it('text edits: delete, duplicate or swap lines, insert junk', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(fc.tuple(fc.constantFrom('delete', 'dup', 'swap', 'insert'), fc.nat(), fc.nat(), junk), {
          minLength: 1,
          maxLength: 4,
        }),
        (src, edits) => {
          const lines = src.split('\n');
          for (const [op, a, b, text] of edits) {
            const i = a % lines.length;
            const j = b % lines.length;
            if (op === 'delete') lines.splice(i, 1);
            else if (op === 'dup') lines.splice(i, 0, lines[i] ?? '');
            else if (op === 'swap') [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
            else lines[i] = `${(lines[i] ?? '').slice(0, j % 20)}${text}${(lines[i] ?? '').slice(j % 20)}`;
          }
          expectLocatedOrValid(lines.join('\n'));
        },
      ),
      { numRuns: scaled(200, 30) },
    );
  });

  it('structural edits: set or delete a value anywhere in the document', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(fc.tuple(fc.nat(), value, fc.boolean()), { minLength: 1, maxLength: 3 }),
        (src, edits) => {
          const doc = parseDocument(src);
          for (const [pick, v, remove] of edits) {
            const paths: Array<Array<string | number>> = [];
            const walk = (node: unknown, path: Array<string | number>): void => {
              paths.push(path);
              if (Array.isArray(node)) {
                for (const [i, c] of node.entries()) walk(c, [...path, i]);
              } else if (node !== null && typeof node === 'object')
                for (const [k, c] of Object.entries(node)) walk(c, [...path, k]);
            };
            walk(doc.toJS(), []);
            const path = paths[pick % paths.length] ?? [];
            if (path.length === 0) continue;
            try {
              if (remove) doc.deleteIn(path);
              else doc.setIn(path, doc.createNode(v));
            } catch {
              // the yaml library refuses some edits (into a replaced scalar): not what is tested here
            }
          }
          expectLocatedOrValid(doc.toString());
        },
      ),
      { numRuns: scaled(200, 30) },
    );
  });
});
