/**
 * Every lint diagnostic a runbook can get, by stable code. One registry: the loader, the rules and
 * the verifier build their text here (makeDiagnostic in diagnostics.ts), and
 * docs/runbook-format.md lists every code from it. Codes never change meaning; retire a code
 * rather than reuse it.
 */

export type Severity = 'error' | 'warning';

interface DiagnosticDef<P> {
  severity: Severity;
  /** one line for the docs' code table */
  title: string;
  message: (p: P) => string;
  hint: (p: P) => string;
}
function def<P>(d: DiagnosticDef<P>): DiagnosticDef<P> {
  return d;
}
type Path = { path: string };

export const DIAGNOSTICS = {
  // ── the file ────────────────────────────────────────────────────────────────────────────
  RB1001: def<{ bytes: number; limit: number }>({
    severity: 'error',
    title: 'file too large',
    message: (p) => `the file is ${p.bytes} bytes; runbooks are limited to ${p.limit} bytes`,
    hint: () => 'split the runbook; a runbook this large is not reviewable at 3 a.m.',
  }),
  RB1002: def<{ detail: string }>({
    severity: 'error',
    title: 'YAML syntax error',
    message: (p) => `YAML syntax error: ${p.detail}`,
    hint: () => 'fix the YAML syntax; quote strings that contain ": " or start with a special character',
  }),
  RB1003: def<{ key: string }>({
    severity: 'error',
    title: 'duplicate key',
    message: (p) => `duplicate key "${p.key}"`,
    hint: () => 'remove one of the two keys: YAML would silently keep only one',
  }),
  RB1004: def<{ limit: number }>({
    severity: 'error',
    title: 'too many alias expansions',
    message: (p) => `aliases expand to more than ${p.limit} nodes (alias bomb?)`,
    hint: () => 'write the values out instead of nesting *aliases',
  }),
  RB1005: def<{ got: string }>({
    severity: 'error',
    title: 'not a runbook document',
    message: (p) => `expected a mapping with apiVersion, kind, metadata and steps; got ${p.got}`,
    hint: () => 'start from the example in docs/runbook-format.md',
  }),
  RB1006: def<{ count: number }>({
    severity: 'error',
    title: 'several YAML documents',
    message: (p) => `the file holds ${p.count} YAML documents; a runbook is exactly one`,
    hint: () => 'put each runbook in its own file and remove the "---" separators',
  }),
  // ── the schema ──────────────────────────────────────────────────────────────────────────
  RB1101: def<Path & { expected: string; got: string }>({
    severity: 'error',
    title: 'wrong type',
    message: (p) => `${p.path}: expected ${p.expected}, got ${p.got}`,
    hint: () => 'see the field reference in docs/runbook-format.md',
  }),
  RB1102: def<Path & { key: string; known: string[] }>({
    severity: 'error',
    title: 'unknown key',
    message: (p) => `${p.path}: unknown key "${p.key}"`,
    hint: (p) => `known keys here: ${p.known.join(', ')}`,
  }),
  RB1103: def<Path & { expected: string }>({
    severity: 'error',
    title: 'missing field',
    message: (p) => `${p.path}: missing required field (${p.expected})`,
    hint: () => 'add the field',
  }),
  RB1104: def<Path & { got: string; allowed: string[] }>({
    severity: 'error',
    title: 'value not allowed',
    message: (p) => `${p.path}: ${p.got} is not one of ${p.allowed.join(', ')}`,
    hint: (p) => `use one of: ${p.allowed.join(', ')}`,
  }),
  RB1105: def<Path & { detail: string }>({
    severity: 'error',
    title: 'value out of range',
    message: (p) => `${p.path}: ${p.detail}`,
    hint: () => 'see the limits in docs/runbook-format.md',
  }),
  RB1106: def<Path & { got: string; format: string }>({
    severity: 'error',
    title: 'invalid format',
    message: (p) => `${p.path}: ${p.got} is not a valid ${p.format}`,
    hint: (p) => FORMAT_HINTS[p.format] ?? 'see docs/runbook-format.md',
  }),
  // ── steps ───────────────────────────────────────────────────────────────────────────────
  RB1201: def<Path & { kinds: string[] }>({
    severity: 'error',
    title: 'unknown step kind',
    message: (p) => `${p.path}: the step has no kind`,
    hint: (p) => `give the step exactly one of: ${p.kinds.join(', ')}`,
  }),
  RB1202: def<Path & { found: string[] }>({
    severity: 'error',
    title: 'several step kinds',
    message: (p) => `${p.path}: the step has several kinds (${p.found.join(', ')})`,
    hint: () => 'split it into one step per kind',
  }),
  RB1203: def<Path & { argv: string }>({
    severity: 'error',
    title: 'talosctl command given as a string',
    message: (p) => `${p.path}: talosctl must be an argv list, not a string`,
    hint: (p) => `write talosctl: ${p.argv} (no shell string is ever run)`,
  }),
  RB1204: def<{ id: string; first: string }>({
    severity: 'error',
    title: 'duplicate step id',
    message: (p) => `step id "${p.id}" is already used at ${p.first}`,
    hint: () => 'step ids name states in the journal: make each one unique',
  }),
  RB1205: def<Path & { target: string; known: string[] }>({
    severity: 'error',
    title: 'unknown goto target',
    message: (p) => `${p.path}: "${p.target}" matches no step id reachable from here`,
    hint: (p) => `targets must be in the same step list or an enclosing one; known here: ${p.known.join(', ')}`,
  }),
  RB1206: def<Path & { name: string; known: string[] }>({
    severity: 'error',
    title: 'unknown check',
    message: (p) => `${p.path}: unknown check "${p.name}"`,
    hint: (p) => `known checks: ${p.known.join(', ')}`,
  }),
  RB1207: def<Path & { name: string; known: string[] }>({
    severity: 'error',
    title: 'unknown observation',
    message: (p) => `${p.path}: unknown observation "${p.name}"`,
    hint: (p) => `known observations: ${p.known.join(', ')}`,
  }),
  RB1208: def<Path & { arg: string; of: string; known: string[] }>({
    severity: 'error',
    title: 'unknown argument',
    message: (p) => `${p.path}: ${p.of} takes no argument "${p.arg}"`,
    hint: (p) => `its arguments: ${p.known.join(', ') || '(none)'}`,
  }),
  RB1209: def<Path & { arg: string; of: string }>({
    severity: 'error',
    title: 'missing argument',
    message: (p) => `${p.path}: ${p.of} needs the argument "${p.arg}"`,
    hint: (p) => `add with: { ${p.arg}: … }`,
  }),
  RB1210: def<Path & { expected: string; got: string }>({
    severity: 'error',
    title: 'value does not fit its type',
    message: (p) => `${p.path}: ${p.got} is not a valid ${p.expected}`,
    hint: () => 'see the param types in docs/runbook-format.md',
  }),
  RB1211: def<Path & { ref: string; known: string[] }>({
    severity: 'error',
    title: 'unknown reference',
    message: (p) => `${p.path}: { ref: ${p.ref} } names nothing defined`,
    hint: (p) => `known here: ${p.known.join(', ') || '(nothing)'}`,
  }),
  RB1212: def<Path & { ref: string; capture: string }>({
    severity: 'error',
    title: 'reference not set on every path',
    message: (p) =>
      `${p.path}: { ref: ${p.ref} } may be unset here: "${p.capture}" is not captured on every path to this step`,
    hint: () => 'capture it before every path that reaches this step (a failed or skipped step captures nothing)',
  }),
  RB1213: def<Path & { ref: string; expected: string; got: string }>({
    severity: 'error',
    title: 'reference of the wrong type',
    message: (p) => `${p.path}: { ref: ${p.ref} } is a ${p.got}, expected ${p.expected}`,
    hint: () => 'reference a value of the expected type',
  }),
  RB1214: def<Path & { subcommand: string; known: string[] }>({
    severity: 'error',
    title: 'nothing to capture',
    message: (p) => `${p.path}: "talosctl ${p.subcommand}" has no outputs to capture`,
    hint: (p) => `capture works for: ${p.known.join(', ')}`,
  }),
  RB1215: def<Path & { declared: string; actual: string; subcommand: string }>({
    severity: 'error',
    title: 'effect declared weaker than it is',
    message: (p) => `${p.path}: "talosctl ${p.subcommand}" is ${p.actual}; it cannot be declared ${p.declared}`,
    hint: (p) => `remove effect: or write effect: ${p.actual}`,
  }),
  RB1216: def<Path & { name: string }>({
    severity: 'error',
    title: 'name already used',
    message: (p) => `${p.path}: "${p.name}" is already a capture, loop variable or "params"`,
    hint: () => 'pick a distinct name',
  }),
  RB1217: def<Path & { flag: string; reason: string }>({
    severity: 'error',
    title: 'refused argv',
    message: (p) => `${p.path}: ${p.flag} must not appear in argv: ${p.reason}`,
    hint: () => 'give targets with node: / nodes:; the engine sets the endpoints, talosconfig and context',
  }),
  RB1218: def<Path & { step: string }>({
    severity: 'error',
    title: 'node target missing or ambiguous',
    message: (p) => `${p.path}: talosctl step "${p.step}" needs exactly one of node: or nodes:`,
    hint: () => 'add node: { ref: … } or nodes: { ref: params.nodes }',
  }),
  RB1219: def<Path & { step: string; reason: string }>({
    severity: 'error',
    title: 'unsafe failure policy',
    message: (p) => `${p.path}: step "${p.step}" ${p.reason}`,
    hint: () => 'irreversible steps run once per approval; use onFailure: abort or a goto to a recovery path',
  }),
  RB1220: def<Path & { subcommand: string; reason: string }>({
    severity: 'warning',
    title: 'talosctl command not in the registry',
    message: (p) => `${p.path}: "talosctl ${p.subcommand}": ${p.reason}`,
    hint: () =>
      'check the spelling, the action word, the flags and their values; the command shapes are listed in docs/runbook-format.md',
  }),
  RB1221: def<Path & { step: string }>({
    severity: 'warning',
    title: 'gated step without a done check',
    message: (p) =>
      `${p.path}: gated step "${p.step}" has no done: check: after a crash that leaves its outcome unknown, resume cannot tell for sure whether it ran`,
    hint: () =>
      'add done: { check: …, with: …, timeout: … } naming what the cluster shows once the command took effect (e.g. member-absent after remove-member)',
  }),
  RB1222: def<Path & { step: string; reason: string }>({
    severity: 'error',
    title: 'a change on several nodes in one step',
    message: (p) =>
      `${p.path}: step "${p.step}": ${p.reason}; on several nodes in one step its approval and its quorum check would cover them all at once`,
    hint: () =>
      'run it in a foreach over the nodes with node: { ref: … }, so each node gets its own confirm, recheck and quorum check',
  }),
  RB1223: def<Path & { step: string; ref: string; confirm: string; capture: string }>({
    severity: 'error',
    title: 'target chosen after its confirm',
    message: (p) =>
      `${p.path}: gated step "${p.step}" uses { ref: ${p.ref} }, which "${p.capture}" sets after the confirm "${p.confirm}": the approval would cover a target the gate never showed`,
    hint: () =>
      'move the step that picks the target before the confirm, so the gate shows it and the operator types it',
  }),
  RB1224: def<Path & { step: string; missing: string }>({
    severity: 'warning',
    title: 'a choice on a flag without its answers in words',
    message: (p) =>
      `${p.path}: choice "${p.step}" branches on a flag but its with: has no ${p.missing} sentence, so the responder and the log would read only "the value is true" or "the value is false"`,
    hint: () => 'add yes: and no: to its with:, each a sentence saying what that answer means',
  }),
  // ── verification of the compiled machine ────────────────────────────────────────────────
  RB1301: def<{ step: string; state: string; reason: string }>({
    severity: 'error',
    title: 'gated step not guarded by a confirm',
    message: (p) =>
      `step "${p.step}" needs a typed approval (${p.reason}) but can be reached without a confirm since the last gated command (state ${p.state})`,
    hint: () => 'put a confirm step right before it on every path (goto and onFailure edges included)',
  }),
  RB1302: def<{ step: string; state: string; reason?: string }>({
    severity: 'error',
    title: 'irreversible step without an approval recheck',
    message: (p) => `irreversible step "${p.step}" can be entered without the approval recheck (state ${p.state})`,
    hint: () => 'this is a compiler bug: every irreversible command must be preceded by its recheck state',
  }),
  RB1306: def<{ step: string; state: string; reason?: string }>({
    severity: 'error',
    title: 'disruptive step without a fresh quorum check',
    message: (p) => `disruptive step "${p.step}" can be entered without its fresh quorum check (state ${p.state})`,
    hint: () => 'this is a compiler bug: every disruptive command must be preceded by its quorum state',
  }),
  RB1303: def<{ step: string }>({
    severity: 'error',
    title: 'wait without a finite timeout',
    message: (p) => `wait "${p.step}" has no finite timeout`,
    hint: () => 'give the wait a timeout:',
  }),
  RB1304: def<{ step: string; state: string }>({
    severity: 'error',
    title: 'no way to finish',
    message: (p) => `from step "${p.step}" (state ${p.state}) no path reaches the end of the runbook`,
    hint: () => 'a goto loop must have an exit: add a branch or onFailure that leaves it',
  }),
  RB1305: def<{ step: string; state: string }>({
    severity: 'error',
    title: 'unreachable step',
    message: (p) => `step "${p.step}" (state ${p.state}) can never run`,
    hint: () => 'remove it, or reach it with a goto or choice',
  }),
} as const;

const FORMAT_HINTS: Record<string, string> = {
  duration: 'write a duration like 30s, 5m, 1h or 1m30s',
  id: 'ids are lowercase kebab-case: ^[a-z][a-z0-9-]*$',
  name: 'names are lowercase kebab-case or camelCase: ^[a-z][a-zA-Z0-9-]*$',
  reference: 'write params.<name>, <capture>.<field> or <loop variable>',
};

export type DiagnosticCode = keyof typeof DIAGNOSTICS;
export type DiagnosticParams<C extends DiagnosticCode> =
  (typeof DIAGNOSTICS)[C] extends DiagnosticDef<infer P> ? P : never;
