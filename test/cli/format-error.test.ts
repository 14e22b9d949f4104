import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/cli/format-error.js';
import { makeError, TalosDrError } from '../../src/io/errors.js';

/** How a talos-dr error reads on stderr: one line with its code, an indented hint, never a stack. */
describe('formatError', () => {
  it('prints the code and the message on one line when there is no hint', () => {
    expect(formatError(makeError('TDR_FILE_NOT_FOUND', { path: 'x.yaml' }))).toBe(
      'talos-dr: TDR_FILE_NOT_FOUND x.yaml: no such file\n',
    );
  });

  it('puts the hint on its own indented line', () => {
    expect(formatError(makeError('TDR_USAGE', { detail: 'give one runbook' }))).toBe(
      'talos-dr: TDR_USAGE give one runbook\n  hint: run with --help to see the usage\n',
    );
  });

  it('prints no stack and no cause, even for an internal error with both', () => {
    const cause = new Error('deep down');
    const text = formatError(makeError('TDR_INTERNAL', { detail: 'Error: deep down' }, cause));
    expect(text).toBe(
      'talos-dr: TDR_INTERNAL internal error: Error: deep down\n  hint: this is a bug in talos-dr; please report it with the command you ran\n',
    );
    expect(text).not.toMatch(/\n\s+at /);
  });

  it('treats an empty hint as none', () => {
    const e = new TalosDrError('TDR_USAGE', 'bad', { exitCode: 2, hint: '' });
    expect(formatError(e)).toBe('talos-dr: TDR_USAGE bad\n');
  });
});
