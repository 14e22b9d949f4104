import { neverThrow, type ParseResult, parsed, parseFailure } from './result.js';

/**
 * For commands that print nothing on success (etcd defrag, leave, remove-member,
 * forfeit-leadership, bootstrap without --recover-from): any stdout is unexpected and kept.
 */
export const parseNoOutput: (stdout: string) => ParseResult<null> = neverThrow((stdout: string) =>
  stdout.trim() === '' ? parsed(null) : parseFailure('unexpected-output', 'expected no output on stdout', stdout),
);
