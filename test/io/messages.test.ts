import { describe, expect, it } from 'vitest';
import { ExitCode, isTalosDrError, makeError } from '../../src/io/errors.js';
import { MESSAGES, type MessageCode } from '../../src/io/messages.js';

/**
 * The registry of every user-facing error: each code worded in one place, with an exit code from
 * the contract (docs/exit-codes.md), and text that shows the values it is about.
 */

/** Params for any message: each one reads as `<name>` in text, in a list, or joined. */
const anyParams = new Proxy(
  {},
  {
    get: (_t, name) =>
      typeof name === 'string' ? Object.assign([`<${name}>`], { toString: () => `<${name}>` }) : undefined,
  },
);

const codes = Object.keys(MESSAGES) as MessageCode[];
const EXITS = new Set<number>(Object.values(ExitCode).filter((v) => typeof v === 'number'));

describe('the message registry', () => {
  it('has stable, well-formed codes', () => {
    expect(codes.length).toBeGreaterThan(40);
    for (const c of codes) expect(c).toMatch(/^TDR_[A-Z0-9_]+$/);
  });

  it.each(codes)('%s: an exit code of the contract, and text that names what it is about', (code) => {
    const e = makeError(code, anyParams as never);
    expect(isTalosDrError(e)).toBe(true);
    expect(e.code).toBe(code);
    expect(EXITS.has(e.exitCode)).toBe(true);
    expect(e.exitCode).not.toBe(ExitCode.ok);
    for (const t of [e.message, `${e.hint ?? ''}`])
      expect(t, `${code}: ${t}`).not.toMatch(/undefined|NaN|\[object |null/);
    // a message with params shows at least one of them (what, where), never only a generic sentence
    const def = MESSAGES[code] as { text: (p: unknown) => string };
    if (def.text.length > 0 && /p\.\w+/.test(def.text.toString())) expect(e.message).toMatch(/<\w+>/);
  });

  it('only TDR_INTERNAL is an internal error (main prints "please report" and the stack for those)', () => {
    expect(codes.filter((c) => makeError(c, anyParams as never).source === 'internal')).toEqual(['TDR_INTERNAL']);
  });

  it('words a real case exactly', () => {
    const e = makeError('TDR_RUNBOOK_NOT_FOUND', { name: 'nospace', known: ['nospace-recovery', 'rolling-defrag'] });
    expect([e.message, e.hint, e.exitCode]).toEqual([
      'no runbook named "nospace" (not a file, not a built-in runbook)',
      'known runbooks: nospace-recovery, rolling-defrag',
      ExitCode.usage,
    ]);
    expect(makeError('TDR_RUNBOOK_NOT_FOUND', { name: 'x', known: [] }).hint).toBe('no runbooks found');
  });
});
