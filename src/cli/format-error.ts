import type { TalosDrError } from '../io/errors.js';

/** How an error looks on stderr: `talos-dr: CODE message` and an indented hint. */
export function formatError(err: TalosDrError): string {
  const hint = err.hint ? `\n  hint: ${err.hint}` : '';
  return `talos-dr: ${err.code} ${err.message}${hint}\n`;
}
