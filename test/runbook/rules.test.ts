import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { indexSteps } from '../../src/runbook/flow.js';
import { type RuleContext, showPath } from '../../src/runbook/rule.js';
import { RULES, runRules } from '../../src/runbook/rules.js';
import { schemaValid, whereAt } from '../helpers/runbook-doc.js';

/**
 * The cross-field rules on their own, below the loader: each invalid fixture that passes the
 * schema gets exactly the rule codes its `# expect:` lines name, each from one rule, and no rule
 * says anything about a valid runbook. The loader's locations are tested in fixtures.test.ts.
 */

const INVALID = 'fixtures/runbooks/invalid';
const where = whereAt;

const ruleCases = readdirSync(INVALID)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => ({ name: f, text: readFileSync(`${INVALID}/${f}`, 'utf8') }))
  .flatMap(({ name, text }) => {
    const ok = schemaValid(text);
    return ok === undefined ? [] : [{ name, ...ok, expected: [...text.matchAll(/^# expect: \d+:\d+ (RB12\d\d) /gm)] }];
  });

const valid = [
  ...readdirSync('fixtures/runbooks/valid').map((f) => `fixtures/runbooks/valid/${f}`),
  ...readdirSync('runbooks')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `runbooks/${f}`),
];

describe('runRules over the invalid fixtures that pass the schema', () => {
  it('finds the fixtures (the schema passes most cross-field mistakes)', () => {
    expect(ruleCases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(ruleCases)('$name: exactly the expected rule codes, each from one rule', ({ doc, runbook, expected }) => {
    const codes = runRules(doc, runbook, where).map((d) => d.code);
    expect([...codes].sort()).toEqual(expected.map((m) => m[1]).sort());
    const ctx: RuleContext = { doc, runbook, index: indexSteps(runbook), where };
    const byRule = RULES.map((r) => r(ctx).map((d) => d.code));
    expect(byRule.flat().sort()).toEqual([...codes].sort());
  });

  it('every rule fires on some fixture: none is dead', () => {
    const fired = RULES.map((r) =>
      ruleCases.some(({ doc, runbook }) => r({ doc, runbook, index: indexSteps(runbook), where }).length > 0),
    );
    expect(fired).toEqual(RULES.map(() => true));
  });
});

describe('runRules over valid runbooks', () => {
  it.each(valid)('%s: nothing', (file) => {
    const ok = schemaValid(readFileSync(file, 'utf8'));
    if (ok === undefined) throw new Error(`${file} does not pass the schema`);
    expect(runRules(ok.doc, ok.runbook, where)).toEqual([]);
  });
});

describe('messages that point at a second place use where()', () => {
  it('a duplicate id names where the first one is', () => {
    const text = readFileSync(`${INVALID}/rb1204-duplicate-id.yaml`, 'utf8');
    const ok = schemaValid(text);
    if (ok === undefined) throw new Error('fixture does not pass the schema');
    const [d] = runRules(ok.doc, ok.runbook, where);
    expect(d?.code).toBe('RB1204');
    expect(d?.message).toMatch(/at steps\[\d+\]\.id/);
  });
});

describe('showPath', () => {
  it('writes a YAML path as a rule names it', () => {
    expect(showPath(['steps', 2, 'talosctl', 1])).toBe('steps[2].talosctl[1]');
    expect(showPath(['steps', 0, 'steps', 3, 'onFailure', 'goto'])).toBe('steps[0].steps[3].onFailure.goto');
    expect(showPath([])).toBe('');
    expect(showPath([0])).toBe('[0]');
  });
});
