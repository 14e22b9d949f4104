import { describe, expect, it } from 'vitest';
import { isSize, parseSize } from '../../../src/talos/parse/size.js';

/**
 * go-humanize's SI sizes (base 1000) as `talosctl etcd status` prints DB SIZE and IN USE
 * (`21 MB`, `4.5 MB`, `0 B`), back to bytes. Anything else is a bad value, never a guess.
 */

describe('parseSize', () => {
  it.each([
    ['0 B', 0],
    ['17 B', 17],
    ['512 kB', 512_000],
    ['512 KB', 512_000],
    ['21 MB', 21_000_000],
    ['4.5 MB', 4_500_000],
    ['2.1 GB', 2_100_000_000],
    ['1.5 TB', 1.5e12],
    ['3 PB', 3e15],
    ['2 EB', 2e18],
    ['21MB', 21_000_000],
    ['  21 MB\n', 21_000_000],
  ])('%j is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toEqual({ ok: true, value: bytes });
  });

  it('rounds to whole bytes', () => {
    expect(parseSize('1.2345 kB')).toEqual({ ok: true, value: 1235 });
  });

  it.each([
    '',
    'MB',
    '21',
    '21 mb',
    '21 MiB',
    '21  MB',
    '-1 MB',
    '.5 MB',
    '5. MB',
    '1e3 B',
    '21 XB',
    '21 MB extra',
    '1,5 MB',
  ])('%j is not a size', (text) => {
    expect(parseSize(text)).toEqual({
      ok: false,
      error: { code: 'bad-value', message: `not a humanized size: ${JSON.stringify(text)}`, raw: text },
    });
    expect(isSize(text)).toBe(false);
  });

  it('something that is not text is a bad value too, not a throw', () => {
    expect(parseSize(undefined as unknown as string)).toMatchObject({
      ok: false,
      error: { code: 'bad-value', raw: 'undefined' },
    });
  });

  it('isSize agrees with parseSize', () => {
    expect(isSize('4.5 MB')).toBe(true);
    expect(isSize('0 B')).toBe(true);
  });
});
