import { DIAGNOSTICS, type DiagnosticCode, type DiagnosticParams, type Severity } from './diagnostic-codes.js';

/**
 * Diagnostics as the loader, the rules and the verifier hand them on: a problem with its code
 * and words from the registry (diagnostic-codes.ts), first at a YAML path, then at file:line:col.
 */

/** A located problem, ready to print. */
export interface Diagnostic {
  file: string;
  line: number;
  col: number;
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  hint: string;
}

/** A problem found before it has a location: rules and the schema mapper emit these. */
export interface PendingDiagnostic {
  code: DiagnosticCode;
  message: string;
  hint: string;
  severity: Severity;
  /** path in the YAML document, e.g. ['steps', 3, 'retry'] */
  at: ReadonlyArray<string | number>;
  /** point at the key of the last path item rather than its value */
  atKey?: boolean;
}

/** Words a diagnostic from the registry: the only place its text is built. */
export function makeDiagnostic<C extends DiagnosticCode>(
  code: C,
  params: DiagnosticParams<C>,
  at: ReadonlyArray<string | number>,
  atKey = false,
): PendingDiagnostic {
  const d = DIAGNOSTICS[code];
  const message = (d.message as (p: DiagnosticParams<C>) => string)(params);
  const hint = (d.hint as (p: DiagnosticParams<C>) => string)(params);
  return { code, message, hint, severity: d.severity, at, ...(atKey ? { atKey } : {}) };
}

/** `file:line:col CODE message` and an indented hint: the format tests and editors parse. */
export function formatDiagnostic(d: Diagnostic, withHint = true): string {
  const head = `${d.file}:${d.line}:${d.col} ${d.code} ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
  return withHint ? `${head}\n  hint: ${d.hint}` : head;
}

/** `steps[3].retry.attempts`: how a YAML path reads in a message. */
export function formatPath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out === '' ? '(root)' : out;
}
