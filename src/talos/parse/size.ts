import { type ParseResult, parsed, parseFailure } from './result.js';

/** SI units of go-humanize `Bytes` (base 1000). */
const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  TB: 1e12,
  PB: 1e15,
  EB: 1e18,
};

const SIZE = /^(\d+(?:\.\d+)?) ?([kKMGTPE]?B)$/;

/**
 * Turns a humanized SI size (`21 MB`, `4.5 MB`, `0 B`, `512 kB`) back into bytes. The printed
 * value is rounded, so the result is approximate: ±0.5 of the last printed digit.
 */
export function parseSize(text: string): ParseResult<number> {
  const m = SIZE.exec(typeof text === 'string' ? text.trim() : '');
  const unit = m?.[2] === undefined ? undefined : UNITS[m[2]];
  if (m?.[1] === undefined || unit === undefined) {
    return parseFailure('bad-value', `not a humanized size: ${JSON.stringify(text)}`, String(text));
  }
  return parsed(Math.round(Number(m[1]) * unit));
}

/** True when the text is a humanized size; used to validate table cells. */
export function isSize(text: string): boolean {
  return parseSize(text).ok;
}
