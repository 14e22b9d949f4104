import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote } from '../../src/triage/recommend.js';

// A real /bin/sh reads the recommended command: the process project (it starts one).
describe('shellQuote under a real shell', () => {
  it('is read back by a real shell as the same word, whatever it holds', () => {
    const hostile = ["a'b", '$HOME', '`id`', 'x y', '*', 'a\nb', "''", '\\', '!x', '; true', '#c', '~'];
    const script = hostile.map((w) => `printf '%s\\0' ${shellQuote(w)}`).join('; ');
    const out = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' });
    expect(out.split('\0').slice(0, -1)).toEqual(hostile);
  });
});
