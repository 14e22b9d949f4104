import { defineCheck } from './verdict.js';

/**
 * A boolean (a param such as `rawCopy`, or an observation output such as `lost.reachable`) is
 * true. It reads nothing: it lets a `choice` branch on a value the runbook already has. The value
 * alone says nothing a responder can read ("the flag is set" of what?), so the runbook words each
 * answer (`yes:`/`no:`); the sentence is the check's summary, shown with the choice and logged.
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
      summary: answer(value, args.yes, args.no),
    };
  },
});

/** The runbook's sentence for the answer; without one, the bare value (never a made-up meaning). */
function answer(value: boolean, yes: unknown, no: unknown): string {
  const given = value ? yes : no;
  if (typeof given === 'string' && given.trim() !== '') return given.trim();
  return value ? 'the value is true' : 'the value is false';
}
