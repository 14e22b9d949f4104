/**
 * THE talosctl command registry: every command shape a runbook or a user may write, read with
 * talosctl's own flag grammar (flag-grammar.ts), and what it does — its effect class, what it
 * destroys, what it takes out of service, whether a typed human gate is needed, and its outputs.
 * Lint, the compiler, the gate text, the dry-run adapter and the executor all ask this module;
 * nothing else knows a talosctl command. Anything not matched exactly (an unknown command,
 * action, flag or flag value) is irreversible.
 *
 * This file is the registry's one door; behind it, in commands/:
 * - class.ts: what a classification says (effect classes, gate, out of service, refusals);
 * - shape.ts: how a shape is written down; read-shapes.ts, etcd-shapes.ts, machine-shapes.ts
 *   and reset-shape.ts: the shapes, each once, by what they act on; registry.ts: the one list;
 * - connection.ts: the flags only talos-dr may set, and the tokens refused outright;
 * - classify.ts: from an argv to its class; outputs.ts: what a command's output yields.
 */

export {
  type Classification,
  type CommandClass,
  type CommandOutputs,
  EFFECTS,
  type Effect,
  isWeaker,
  needsGate,
  needsQuorum,
  type OutOfService,
  type Refusal,
} from './commands/class.js';
export { classify, classOf } from './commands/classify.js';
export { CONNECTION_FLAGS } from './commands/connection.js';
export { parseOutputs } from './commands/outputs.js';
export { knownShapes, SHAPES } from './commands/registry.js';
export type { Shape } from './commands/shape.js';
