import { makeError } from '../io/errors.js';
import { classify } from './commands.js';

/**
 * Checks of every value before it reaches talosctl's argv. A node is one address or host name:
 * a leading '-' would be read as a flag and a ',' would fan the call out to several nodes.
 */
export function checkNode(node: unknown): string {
  const fail = (reason: string): never => {
    throw makeError('TDR_TALOSCTL_BAD_NODE', { node: String(node), reason });
  };
  if (typeof node !== 'string') return fail('not a string');
  if (node === '') return fail('empty');
  if (node.length > 253) return fail('longer than 253 characters');
  if (node.startsWith('-')) return fail("starts with '-' (would be read as a flag)");
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\s\u0000-\u001f\u007f]/.test(node)) return fail('contains whitespace or control characters');
  if (node.includes(',')) return fail("contains ',' (one node per call)");
  if (!/^[A-Za-z0-9:[][A-Za-z0-9._:%[\]-]*$/.test(node)) return fail('not an IP address or host name');
  return node;
}

/**
 * Checks the command arguments right before a spawn: strings, no NUL, and nothing the command
 * registry refuses — a flag that moves the call to other nodes, endpoints, a cluster or a
 * talosconfig, however talosctl's flag grammar lets it be spelled (`-fn10.5.0.3`, `-e=…`,
 * `--nodes=…`), or a look-alike dash.
 */
export function checkArgs(args: unknown): string[] {
  if (!Array.isArray(args)) throw makeError('TDR_TALOSCTL_BAD_ARGV', { index: -1, reason: 'not an array' });
  const out = args.map((a: unknown, index) => {
    if (typeof a !== 'string') throw makeError('TDR_TALOSCTL_BAD_ARGV', { index, reason: 'not a string' });
    if (a.includes('\u0000')) throw makeError('TDR_TALOSCTL_BAD_ARGV', { index, reason: 'contains a NUL byte' });
    return a;
  });
  const c = classify(out);
  if (!c.ok) throw makeError('TDR_TALOSCTL_BAD_ARGV', { index: c.refusal.index, reason: c.refusal.reason });
  return out;
}
