import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintRunbook } from '../../src/compile/lint.js';
import { classify } from '../../src/talos/commands.js';

const effectOf = (argv: readonly string[]) => {
  const c = classify(argv);
  return c.ok ? c.value : { effect: 'refused' as const, known: false };
};

// Found by the reliability campaign: names taken from a runbook (check, observe, with: keys, talosctl
// subcommand) were looked up with plain indexing, so `constructor`/`toString` reached
// Object.prototype: lint threw a TypeError, and `talosctl: [constructor]` had a bogus effect
// instead of "unknown, hence irreversible".
const NOSPACE = readFileSync('runbooks/nospace-recovery.yaml', 'utf8');

function lint(from: string, to: string) {
  const text = NOSPACE.replace(from, to);
  expect(text).not.toBe(NOSPACE);
  return lintRunbook(text, 'm.yaml');
}

describe('runbook names never reach inherited properties', () => {
  it.each([
    ['alarm: NOSPACE', 'alarm: NOSPACE, constructor: x', 'RB1208'],
    ['alarm: NOSPACE', 'alarm: NOSPACE, hasOwnProperty: x', 'RB1208'],
    ['check: alarm-active', 'check: constructor', 'RB1206'],
    ['check: alarm-active', 'check: __proto__', 'RB1206'],
    ['observe: rolling-order', 'observe: constructor', 'RB1207'],
  ])('%s → %s is a located %s, not a crash', (from, to, code) => {
    const r = lint(from, to);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ code, line: expect.any(Number), col: expect.any(Number) });
  });

  it.each([
    ['constructor'],
    ['toString'],
    ['valueOf'],
    ['etcd', '__proto__'],
    ['hasOwnProperty'],
  ])('talosctl %j is an unknown subcommand, hence irreversible', (...argv) => {
    expect(effectOf(argv)).toMatchObject({ effect: 'irreversible', known: false });
  });

  it('an unknown subcommand step without a confirm is refused by the verifier', () => {
    const r = lint('talosctl: [etcd, forfeit-leadership]', 'talosctl: [constructor]');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.code)).toContain('RB1219');
  });
});
