/**
 * Recognises canonical JSON (what canonicalJson in log-format.ts writes) in raw UTF-8 bytes,
 * without decoding or parsing: no whitespace, object keys in strictly increasing order, strings
 * escaped as JSON.stringify escapes them, numbers as JSON.stringify writes them. `log verify` uses
 * it to accept a record's payload without JSON.parse.
 *
 * It is deliberately conservative: it answers "certainly canonical" (the index after the value) or
 * -1, which means "not sure", never "not canonical". Keys outside printable ASCII or with escapes,
 * `\u` escapes, nesting deeper than MAX_DEPTH all give -1, and the caller then takes the exact path
 * (JSON.parse and canonicalJson). The caller must have checked that the bytes are valid UTF-8.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MAX_DEPTH = 64;
const TRUE = [0x74, 0x72, 0x75, 0x65];
const FALSE = [0x66, 0x61, 0x6c, 0x73, 0x65];
const NULL = [0x6e, 0x75, 0x6c, 0x6c];

/** The end (exclusive) of the canonical JSON object that starts at `start`, or -1 if not sure. */
export function canonicalObjectEnd(b: Uint8Array, start: number, end: number): number {
  return b[start] === LBRACE ? value(b, start, end, 0) : -1;
}

function value(b: Uint8Array, i: number, end: number, depth: number): number {
  if (i >= end) return -1;
  const c = b[i] as number;
  if (c === QUOTE) return string(b, i, end);
  if (c === LBRACE) return depth < MAX_DEPTH ? object(b, i, end, depth + 1) : -1;
  if (c === LBRACKET) return depth < MAX_DEPTH ? array(b, i, end, depth + 1) : -1;
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return number(b, i, end);
  if (c === 0x74) return word(b, i, end, TRUE);
  if (c === 0x66) return word(b, i, end, FALSE);
  if (c === 0x6e) return word(b, i, end, NULL);
  return -1;
}

/** A string as JSON.stringify writes it: literal bytes >= 0x20 but `"` and `\`, short escapes only. */
function string(b: Uint8Array, i: number, end: number): number {
  for (let j = i + 1; j < end; j++) {
    const c = b[j] as number;
    if (c === QUOTE) return j + 1;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      if (j + 1 >= end) return -1;
      const e = b[j + 1];
      // \" \\ \b \f \n \r \t; a \u escape (other control characters, lone surrogates) is left to the exact path
      if (e === QUOTE || e === BACKSLASH || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) j++;
      else return -1;
    }
  }
  return -1;
}

/** The closing quote of a key made only of printable ASCII without escapes (byte order = code-unit order), or -1. */
function plainKeyEnd(b: Uint8Array, i: number, end: number): number {
  for (let j = i; j < end; j++) {
    const c = b[j] as number;
    if (c === QUOTE) return j;
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
  }
  return -1;
}

/** Whether bytes [a, ae) sort strictly before [k, ke). */
function before(b: Uint8Array, a: number, ae: number, k: number, ke: number): boolean {
  const n = Math.min(ae - a, ke - k);
  for (let x = 0; x < n; x++) {
    const d = (b[a + x] as number) - (b[k + x] as number);
    if (d !== 0) return d < 0;
  }
  return ae - a < ke - k;
}

function object(b: Uint8Array, i: number, end: number, depth: number): number {
  let j = i + 1;
  if (j < end && b[j] === RBRACE) return j + 1;
  let prevKey = -1;
  let prevKeyEnd = -1;
  for (;;) {
    if (j >= end || b[j] !== QUOTE) return -1;
    const key = j + 1;
    const keyEnd = plainKeyEnd(b, key, end);
    if (keyEnd < 0) return -1;
    if (prevKey >= 0 && !before(b, prevKey, prevKeyEnd, key, keyEnd)) return -1;
    prevKey = key;
    prevKeyEnd = keyEnd;
    j = keyEnd + 1;
    if (j >= end || b[j] !== COLON) return -1;
    j = value(b, j + 1, end, depth);
    if (j < 0 || j >= end) return -1;
    const c = b[j];
    if (c === RBRACE) return j + 1;
    if (c !== COMMA) return -1;
    j++;
  }
}

function array(b: Uint8Array, i: number, end: number, depth: number): number {
  let j = i + 1;
  if (j < end && b[j] === RBRACKET) return j + 1;
  for (;;) {
    j = value(b, j, end, depth);
    if (j < 0 || j >= end) return -1;
    const c = b[j];
    if (c === RBRACKET) return j + 1;
    if (c !== COMMA) return -1;
    j++;
  }
}

function word(b: Uint8Array, i: number, end: number, w: readonly number[]): number {
  if (i + w.length > end) return -1;
  for (let x = 0; x < w.length; x++) if (b[i + x] !== w[x]) return -1;
  return i + w.length;
}

/** A number exactly as JSON.stringify writes it (String(Number(s)) === s). */
function number(b: Uint8Array, i: number, end: number): number {
  let j = i;
  if (b[j] === 0x2d) j++;
  const digits = j;
  while (j < end && (b[j] as number) >= 0x30 && (b[j] as number) <= 0x39) j++;
  const c = j < end ? b[j] : undefined;
  const more = c === 0x2e || c === 0x65 || c === 0x45 || c === 0x2b || c === 0x2d;
  const n = j - digits;
  // the common case: an integer of at most 15 digits, no leading zero, not -0 (all exact in a double)
  if (!more && n >= 1 && n <= 15 && !(b[digits] === 0x30 && (n > 1 || digits > i))) return j;
  while (j < end) {
    const d = b[j] as number;
    if ((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) j++;
    else break;
  }
  let s = '';
  for (let x = i; x < j; x++) s += String.fromCharCode(b[x] as number);
  return String(Number(s)) === s ? j : -1;
}
