import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';
import { DIAGNOSTICS } from '../../src/runbook/diagnostic-codes.js';
import { formatDiagnostic } from '../../src/runbook/diagnostics.js';

// Each invalid fixture ends with `# expect: line:col CODE message` comments: the exact lines lint
// must print (errors and warnings), in order, with nothing else.
const dir = 'fixtures/runbooks/invalid';
const invalid = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('invalid runbook fixtures', () => {
  it.each(invalid)('%s', (name) => {
    const file = `${dir}/${name}`;
    const text = readFileSync(file, 'utf8');
    const expected = [...text.matchAll(/^# expect: (.*)$/gm)].map((m) => m[1]);
    const r = lintRunbook(text, file);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const got = [...r.errors, ...r.warnings].map((d) => formatDiagnostic(d, false).slice(file.length + 1));
    expect(got).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });

  it('has at least one fixture per diagnostic code a runbook can trigger', () => {
    const covered = new Set(
      invalid.flatMap((n) => [...readFileSync(`${dir}/${n}`, 'utf8').matchAll(/ (RB\d{4}) /g)].map((m) => m[1])),
    );
    // RB1001 (size) is tested in load.test.ts; RB1302/RB1303/RB1306 cannot come from YAML (verify.test.ts)
    const notFromFixtures = new Set(['RB1001', 'RB1302', 'RB1303', 'RB1306']);
    const missing = Object.keys(DIAGNOSTICS).filter((c) => !covered.has(c) && !notFromFixtures.has(c));
    expect(missing).toEqual([]);
    expect(invalid.length).toBeGreaterThanOrEqual(30);
  });
});

describe('valid runbooks', () => {
  const files = [
    ...readdirSync('fixtures/runbooks/valid').map((f) => `fixtures/runbooks/valid/${f}`),
    ...readdirSync('runbooks')
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `runbooks/${f}`),
  ];
  it.each(files)('%s lints clean', (file) => {
    const text = readFileSync(file, 'utf8');
    const r = lintRunbook(text, file);
    expect(r.ok ? [] : r.errors.map((d) => formatDiagnostic(d))).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(text.startsWith('# yaml-language-server: $schema=')).toBe(true);
  });
});
