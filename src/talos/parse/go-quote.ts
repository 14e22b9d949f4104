/**
 * Undoes Go's `%q` string quoting (strconv.Quote), as talosctl prints file paths. Returns undefined
 * for text that is not a valid Go quoted string: the caller turns that into a parse error.
 */
const SIMPLE: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, '"': 34 };

export function unquoteGo(quoted: string): string | undefined {
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return undefined;
  const body = quoted.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; ) {
    const ch = body[i] ?? '';
    if (ch === '"') return undefined;
    if (ch !== '\\') {
      const cp = body.codePointAt(i) ?? 0;
      const s = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(s, 'utf8'));
      i += s.length;
      continue;
    }
    const e = body[i + 1] ?? '';
    const simple = SIMPLE[e];
    if (simple !== undefined) {
      bytes.push(simple);
      i += 2;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 2, i + 2 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
      const v = Number.parseInt(hex, 16);
      if (e === 'x') bytes.push(v);
      else if (v > 0x10ffff) return undefined;
      else bytes.push(...Buffer.from(String.fromCodePoint(v), 'utf8'));
      i += 2 + n;
    } else if (/^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      const v = Number.parseInt(body.slice(i + 1, i + 4), 8);
      if (v > 255) return undefined;
      bytes.push(v);
      i += 4;
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
