import type { Json } from '../checks/verdict.js';
import type { PayloadByType, RecordType } from './log-format.js';

/** Replaces secrets in a payload before it is hashed and written. Secrets never reach the log. */
export type Redact = <T extends RecordType>(type: T, payload: PayloadByType[T]) => PayloadByType[T];

export const REDACTED = '[redacted]';

/** Secret values shorter than this are not searched for in free text (they would mask ordinary words). */
const MIN_SECRET_LENGTH = 6;

/**
 * The redact hook of a run: values of params marked secret are replaced in run-start, and every
 * occurrence of a secret value (those params, the talosconfig's keys and certificates) is masked
 * in any string of any payload (argv, stdout, stderr, prompts).
 */
export function makeRedactor(opts: { secretParams?: readonly string[]; secretValues?: readonly string[] }): Redact {
  const names = new Set(opts.secretParams ?? []);
  const values = [...new Set(opts.secretValues ?? [])]
    .filter((v) => v.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  const mask = (s: string): string => values.reduce((acc, v) => acc.split(v).join(REDACTED), s);
  const walk = (j: unknown): unknown => {
    if (typeof j === 'string') return mask(j);
    if (Array.isArray(j)) return j.map(walk);
    if (j !== null && typeof j === 'object') return Object.fromEntries(Object.entries(j).map(([k, v]) => [k, walk(v)]));
    return j;
  };
  return <T extends RecordType>(type: T, payload: PayloadByType[T]): PayloadByType[T] => {
    let p = payload as unknown;
    if (type === 'run-start') {
      const rs = payload as PayloadByType['run-start'];
      const params: Record<string, Json> = {};
      for (const [k, v] of Object.entries(rs.params)) params[k] = names.has(k) ? REDACTED : v;
      p = { ...rs, params };
    }
    return walk(p) as PayloadByType[T];
  };
}

/** The secret material of a talosconfig (CA, client certificate and key), to pass as secretValues. */
export function talosconfigSecrets(text: string): string[] {
  const out: string[] = [];
  // [ \t], not \s: with /m, \s also matches newlines and made this quadratic in blank lines
  for (const m of text.matchAll(/^[ \t]*(?:ca|crt|key)[ \t]*:[ \t]*["']?([A-Za-z0-9+/=_-]{16,})["']?[ \t]*\r?$/gm))
    if (m[1]) out.push(m[1]);
  return out;
}
