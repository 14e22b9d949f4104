import { describe, expect, it } from 'vitest';
import { unquoteGo } from '../../../src/talos/parse/go-quote.js';

/**
 * Go's %q quoting undone, as talosctl prints a snapshot path (`etcd snapshot saved to "db.snapshot"`,
 * fixtures/talosctl/v1.14/snapshot/quoted-path/). Escapes decode to BYTES, then UTF-8, as Go's
 * strings are bytes: "\xc3\xa9" is é. Anything Go would not have printed is undefined.
 */

describe('unquoteGo', () => {
  it('plain text between quotes, and the empty string', () => {
    expect(unquoteGo('"db.snapshot"')).toBe('db.snapshot');
    expect(unquoteGo('""')).toBe('');
    expect(unquoteGo('"/var/lib/etcd 2/db"')).toBe('/var/lib/etcd 2/db');
  });

  it('non-ASCII text Go prints as is', () => {
    expect(unquoteGo('"snapshot-é-😀.db"')).toBe('snapshot-é-😀.db');
  });

  it('the one-letter escapes', () => {
    expect(unquoteGo('"\\a\\b\\f\\n\\r\\t\\v\\\\\\""')).toBe('\u0007\b\f\n\r\t\u000b\\"');
  });

  it('\\x escapes are bytes, joined into UTF-8', () => {
    expect(unquoteGo('"\\x41"')).toBe('A');
    expect(unquoteGo('"\\xc3\\xa9"')).toBe('é');
    expect(unquoteGo('"\\xC3\\xA9"')).toBe('é');
  });

  it('\\u and \\U escapes are code points', () => {
    expect(unquoteGo('"\\u00e9"')).toBe('é');
    expect(unquoteGo('"\\U0001F600"')).toBe('😀');
    expect(unquoteGo('"\\U0010ffff"')).toBe('\u{10ffff}');
  });

  it('octal escapes are bytes up to \\377', () => {
    expect(unquoteGo('"\\101\\102"')).toBe('AB');
    expect(unquoteGo('"\\303\\251"')).toBe('é');
    expect(unquoteGo('"\\000"')).toBe('\u0000');
  });

  it.each([
    ['no quotes', 'db.snapshot'],
    ['one quote', '"'],
    ['no closing quote', '"db'],
    ['no opening quote', 'db"'],
    ['an unescaped quote inside', '"a"b"'],
    ['a trailing backslash', '"a\\"'],
    ['an unknown escape', '"\\q"'],
    ['a short \\x', '"\\x4"'],
    ['a non-hex \\x', '"\\xZZ"'],
    ['a short \\u', '"\\u12"'],
    ['a \\U past U+10FFFF', '"\\U00110000"'],
    ['an octal escape past 255', '"\\400"'],
    ['a short octal escape', '"\\12"'],
    ['the empty text', ''],
  ])('%s is not a Go quoted string', (_why, text) => {
    expect(unquoteGo(text)).toBeUndefined();
  });
});
