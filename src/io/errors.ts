import { ExitCode } from './exit-codes.js';
import { MESSAGES, type MessageCode, type MessageParams } from './messages.js';

const brand = Symbol.for('talos-dr.error');

/**
 * The one error class that reaches the user. It carries a stable code (see messages.ts), the exit
 * code it maps to, and whether it is the user's doing or ours ("internal": print "please report").
 */
export class TalosDrError extends Error {
  readonly [brand] = true;
  readonly code: MessageCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly source: 'user' | 'internal';

  constructor(
    code: MessageCode,
    message: string,
    options: { exitCode: ExitCode; hint?: string; source?: 'user' | 'internal'; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TalosDrError';
    this.code = code;
    this.exitCode = options.exitCode;
    this.hint = options.hint;
    this.source = options.source ?? 'user';
  }
}

export function isTalosDrError(e: unknown): e is TalosDrError {
  return typeof e === 'object' && e !== null && brand in e;
}

/** Makes the error for a registered message code, worded in one place (messages.ts). */
export function makeError<C extends MessageCode>(code: C, params: MessageParams<C>, cause?: unknown): TalosDrError {
  const def = MESSAGES[code];
  // The registry's function types differ per code; the generic signature keeps callers honest.
  const text = (def.text as (p: MessageParams<C>) => string)(params);
  const hint = def.hint === undefined ? undefined : (def.hint as (p: MessageParams<C>) => string)(params);
  return new TalosDrError(code, text, {
    exitCode: def.exit,
    ...(hint === undefined ? {} : { hint }),
    source: def.source ?? 'user',
    cause,
  });
}

export { ExitCode };
