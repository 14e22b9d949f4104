import { makeError } from '../io/errors.js';
import type { ParamSpec } from '../runbook/model.js';
import { type Value, validateParamValue, validateValue } from '../runbook/params.js';

/**
 * `--param name=value` texts → the machine input: every value parsed by its declared type
 * (node addresses, member ids, paths…), unknown names refused, defaults applied, required ones
 * present. Each error names the flag and the value (exit 2).
 */
export function parseParams(
  specs: Readonly<Record<string, ParamSpec>>,
  texts: readonly string[],
): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const text of texts) {
    const eq = text.indexOf('=');
    const bad = (reason: string) => makeError('TDR_BAD_PARAM', { flag: '--param', value: text, reason });
    if (eq <= 0) throw bad('expected name=value');
    const name = text.slice(0, eq);
    const spec = specs[name];
    if (spec === undefined) {
      const known = Object.keys(specs);
      throw bad(`this runbook has no param "${name}"${known.length ? ` (params: ${known.join(', ')})` : ''}`);
    }
    // two values for one param are a slip (a pasted command line, a stale history entry): the
    // last one silently winning could aim a change at the wrong node
    if (Object.hasOwn(out, name))
      throw bad(
        `"${name}" is given twice: give each param once (the other value: ${texts.find((t) => t.startsWith(`${name}=`))})`,
      );
    const r = validateParamValue(spec.type, text.slice(eq + 1), spec.values);
    if (!r.ok) throw bad(r.reason);
    const v = r.value;
    if (Array.isArray(v)) {
      if (spec.min !== undefined && v.length < spec.min) throw bad(`at least ${spec.min} value(s) needed`);
      if (spec.max !== undefined && v.length > spec.max) throw bad(`at most ${spec.max} value(s) allowed`);
    } else if (typeof v === 'number') {
      if (spec.min !== undefined && v < spec.min) throw bad(`must be ≥ ${spec.min}`);
      if (spec.max !== undefined && v > spec.max) throw bad(`must be ≤ ${spec.max}`);
    }
    out[name] = v;
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (out[name] !== undefined) continue;
    if (spec.default === undefined) throw makeError('TDR_MISSING_PARAM', { name, type: spec.type });
    const d = validateValue(spec.type, spec.default, spec.values);
    if (!d.ok)
      throw makeError('TDR_BAD_PARAM', { flag: '--param', value: `${name}=${String(spec.default)}`, reason: d.reason });
    out[name] = d.value;
  }
  return out;
}
