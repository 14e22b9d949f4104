import type { ValueType } from '../checks/catalog.js';

/**
 * The value types of runbooks: parsing from the command line, and the validation every value
 * passes before it reaches a talosctl argv. Pure.
 */

/** A resolved value: what params, captures and loop variables hold at run time. */
export type Value = string | number | boolean | readonly string[];

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

// Control characters: C0, DEL and C1. Built from code points so the source stays printable.
const CONTROL = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}${String.fromCharCode(0x7f)}-${String.fromCharCode(0x9f)}]`,
);
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+(%[A-Za-z0-9]+)?$/;
const DNS =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const MEMBER_ID = /^[0-9a-f]{16}$/;
const DURATION = /^(\d+h)?(\d+m)?(\d+s)?(\d+ms)?$/;

/** Whether a text holds a control character (C0, DEL, C1): never allowed in argv. */
export function hasControlChar(text: string): boolean {
  return CONTROL.test(text);
}

/** Milliseconds of `1h`, `5m`, `30s`, `1m30s`, `250ms`; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  if (text === '' || !DURATION.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+)(ms|h|m|s)/g)) {
    const n = Number(m[1]);
    ms += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n;
  }
  return ms;
}

/** Whether a string is a node address talosctl may be given: an IP literal or a DNS name. */
export function isNodeAddress(text: string): boolean {
  if (IPV4.test(text) || DNS.test(text)) return true;
  return text.includes(':') && IPV6.test(text);
}

/**
 * Whether a path may be a value: no leading '-' (a flag), no control characters, no `..` segment
 * (a snapshot path must not climb out of where the operator pointed), and none of the shell's
 * characters `;$\`|&<>` — argv never meets a shell, but a path holding them is never a real
 * snapshot or config path and would be dangerous if an operator pasted the logged command.
 */
export function isSafePath(text: string): boolean {
  return (
    text !== '' &&
    !text.startsWith('-') &&
    !CONTROL.test(text) &&
    !/[;$`|&<>]/.test(text) &&
    !text.split(/[\\/]/).includes('..')
  );
}

/** Whether a string is an etcd member id as talosctl prints it (16 lowercase hex digits). */
export function isMemberId(text: string): boolean {
  return MEMBER_ID.test(text);
}

/**
 * The last gate before argv: a resolved value of `type` may become one argv item. Refuses
 * control characters, a leading '-' (a value must never turn into a flag), and anything that
 * does not fit its type. Exported for the engine, which calls it on every resolved item.
 */
export function validateArgvValue(type: ValueType, value: Value): Checked<string> {
  if (typeof value === 'boolean' || Array.isArray(value)) {
    return { ok: false, reason: `a ${type} cannot be an argv item` };
  }
  const text = String(value);
  if (text === '') return { ok: false, reason: 'an empty value cannot be an argv item' };
  if (CONTROL.test(text)) return { ok: false, reason: 'contains a control character' };
  if (text.startsWith('-')) return { ok: false, reason: 'starts with "-" and would read as a flag' };
  const typed = validateScalar(type, value);
  return typed.ok ? { ok: true, value: text } : typed;
}

function validateScalar(type: ValueType, value: Value, values?: readonly string[]): Checked<Value> {
  const fail = (what: string): Checked<Value> => ({ ok: false, reason: `${JSON.stringify(value)} is not ${what}` });
  switch (type) {
    case 'node':
      return typeof value === 'string' && isNodeAddress(value) ? { ok: true, value } : fail('a node address');
    case 'memberId':
      return typeof value === 'string' && isMemberId(value) ? { ok: true, value } : fail('a member id (16 hex digits)');
    case 'path':
      return typeof value === 'string' && isSafePath(value)
        ? { ok: true, value }
        : fail('a file path (no leading "-", no ".." segment, no control characters or shell characters ;$`|&<>)');
    case 'duration':
      return typeof value === 'string' && parseDuration(value) !== undefined ? { ok: true, value } : fail('a duration');
    case 'percent':
      return typeof value === 'number' && value >= 0 && value <= 100
        ? { ok: true, value }
        : fail('a percentage 0..100');
    case 'number':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0
        ? { ok: true, value }
        : fail('a whole number ≥ 0');
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : fail('true or false');
    case 'enum':
      return typeof value === 'string' && (values === undefined || values.includes(value))
        ? { ok: true, value }
        : fail(`one of ${(values ?? []).join(', ')}`);
    case 'string':
      return typeof value === 'string' && !CONTROL.test(value) ? { ok: true, value } : fail('a single-line string');
    case 'nodes':
      if (!Array.isArray(value) || value.length === 0) return fail('a non-empty list of node addresses');
      for (const v of value) if (!isNodeAddress(v)) return fail(`a list of node addresses (${JSON.stringify(v)})`);
      return { ok: true, value };
  }
}

/** Checks an already-typed value (a YAML default, a captured output) against its type. */
export function validateValue(type: ValueType, value: Value, values?: readonly string[]): Checked<Value> {
  return validateScalar(type, value, values);
}

/**
 * Parses a `--param name=value` text into a typed value: `nodes` splits on commas, numbers and
 * booleans are read strictly. Used by the CLI before a run starts.
 */
export function validateParamValue(type: ValueType, text: string, values?: readonly string[]): Checked<Value> {
  switch (type) {
    case 'nodes':
      return validateScalar(
        type,
        text.split(',').map((s) => s.trim()),
        values,
      );
    case 'number':
    case 'percent':
      return /^\d+(\.\d+)?$/.test(text)
        ? validateScalar(type, Number(text), values)
        : { ok: false, reason: `${JSON.stringify(text)} is not a number` };
    case 'boolean':
      return text === 'true' || text === 'false'
        ? { ok: true, value: text === 'true' }
        : { ok: false, reason: `${JSON.stringify(text)} is not true or false` };
    default:
      return validateScalar(type, text, values);
  }
}

/** Whether a value of type `got` may be used where `expected` is asked (a node fits nodes). */
export function isAssignable(got: ValueType, expected: ValueType): boolean {
  if (got === expected) return true;
  if (expected === 'nodes' && got === 'node') return true;
  if (expected === 'number' && got === 'percent') return true;
  if (expected === 'percent' && got === 'number') return true;
  if (expected === 'string') return got !== 'nodes' && got !== 'boolean';
  return false;
}
