import { describe, expect, it } from 'vitest';
import { flagSet } from '../../src/checks/flag-set.js';
import { emptyReads } from '../../src/checks/reader.js';
import type { CheckArgs } from '../../src/checks/verdict.js';

const evaluate = (args: CheckArgs) => flagSet.evaluate({ reads: emptyReads() }, args);

describe('flag-set', () => {
  it('reads nothing from the cluster', () => {
    expect(flagSet.reads({ value: true })).toEqual([]);
  });

  it('passes on true and fails on false', () => {
    expect(evaluate({ value: true })).toEqual({
      verdict: 'pass',
      observed: { value: true },
      expected: 'true',
      summary: 'the value is true',
    });
    expect(evaluate({ value: false })).toEqual({
      verdict: 'fail',
      observed: { value: false },
      expected: 'true',
      summary: 'the value is false',
    });
  });

  it("answers in the runbook's words for the branch taken, trimmed; a blank sentence is none", () => {
    const words = { yes: 'the member is still named leader', no: 'the member is not the leader' };
    expect(evaluate({ value: true, ...words }).summary).toBe(words.yes);
    expect(evaluate({ value: false, ...words }).summary).toBe(words.no);
    expect(evaluate({ value: false, yes: words.yes }).summary).toBe('the value is false');
    expect(evaluate({ value: true, yes: '  ', no: words.no }).summary).toBe('the value is true');
    expect(evaluate({ value: true, yes: ' go on ' }).summary).toBe('go on');
  });

  it('never takes a string or a number for a boolean: unknown, naming the argument and the value', () => {
    expect(evaluate({ value: 'true' })).toEqual({
      verdict: 'unknown',
      observed: { value: 'true' },
      expected: 'a boolean',
      summary: 'check flag-set: argument "value" must be true or false, got "true"',
    });
    expect(evaluate({ value: 1 }).verdict).toBe('unknown');
    expect(evaluate({ value: 1 }).summary).toBe('check flag-set: argument "value" must be true or false, got 1');
    expect(evaluate({})).toMatchObject({ verdict: 'unknown', observed: { value: null } });
  });
});
