import { defineCheck } from './verdict.js';

/**
 * A boolean (a param such as `rawCopy`, or an observation output such as `lost.reachable`) is
 * true. It reads nothing: it lets a `choice` branch on a value the runbook already has.
 */
export const flagSet = defineCheck({
  name: 'flag-set',
  reads: () => [],
  evaluate(_observed, args) {
    const value = args.value;
    if (typeof value !== 'boolean')
      return {
        verdict: 'unknown',
        observed: { value: value === undefined ? null : String(value) },
        expected: 'a boolean',
        summary: `check flag-set: argument "value" must be true or false, got ${JSON.stringify(value)}`,
      };
    return {
      verdict: value ? 'pass' : 'fail',
      observed: { value },
      expected: 'true',
      summary: value ? 'the flag is set' : 'the flag is not set',
    };
  },
});
