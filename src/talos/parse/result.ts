/**
 * The outcome of every talosctl output parser: a value, or a typed error that keeps the raw text.
 * Parsers never throw and never guess: output they do not fully understand is an error.
 */

export type TalosParseErrorCode =
  /** a header line was expected and not found, or it names columns we do not know */
  | 'bad-header'
  /** a table row fits neither the column layout nor the row pattern */
  | 'bad-row'
  /** a cell or field has a value outside its known set or format */
  | 'bad-value'
  /** a line of a non-table output is not one we know */
  | 'bad-line'
  /** a line the command always prints is missing */
  | 'missing-line'
  /** output where the command prints nothing on success */
  | 'unexpected-output'
  /** the parser was handed something that is not a string */
  | 'not-text';

/** Why a parser refused its input. `raw` is the whole input, kept for the audit log. */
export interface TalosParseError {
  code: TalosParseErrorCode;
  message: string;
  raw: string;
  /** 1-based line of the offending text, when there is one */
  line?: number;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: TalosParseError };

export function parsed<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

export function parseFailure<T>(
  code: TalosParseErrorCode,
  message: string,
  raw: string,
  line?: number,
): ParseResult<T> {
  return { ok: false, error: line === undefined ? { code, message, raw } : { code, message, raw, line } };
}

/** Splits output into lines, dropping a trailing newline and CRs; a guard against non-strings. */
export function toLines(text: string): string[] {
  const unix = text.replace(/\r\n?/g, '\n');
  // not /\n+$/: that regex is quadratic in a run of newlines that is not at the end
  let end = unix.length;
  while (end > 0 && unix.charCodeAt(end - 1) === 10) end--;
  return unix.slice(0, end).split('\n');
}

/** Wraps a parser so that even a bug in it cannot throw at the caller: it becomes a typed error. */
export function neverThrow<A extends unknown[], T>(
  fn: (raw: string, ...rest: A) => ParseResult<T>,
): (raw: string, ...rest: A) => ParseResult<T> {
  return (raw: string, ...rest: A) => {
    if (typeof raw !== 'string') return parseFailure('not-text', 'talosctl output is not text', String(raw));
    try {
      return fn(raw, ...rest);
    } catch (e) {
      return parseFailure('bad-line', `parser failure: ${e instanceof Error ? e.message : String(e)}`, raw);
    }
  };
}
