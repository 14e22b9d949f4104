import type { Placeholder, Recommendation } from './model.js';

/**
 * The command a responder copies: `talos-dr run <runbook> --param k=v …` plus the flags triage
 * reached the cluster with (so it reaches the same cluster the same way). Placeholders stay in
 * angle brackets, which no param type accepts: pasted unedited, the command is refused before
 * anything runs.
 */

/** Characters a POSIX shell reads literally; anything else is single-quoted. */
const PLAIN = /^[A-Za-z0-9_./:=,@%+-]+$/;

export function shellQuote(arg: string): string {
  if (arg !== '' && PLAIN.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function recommend(
  runbook: string,
  params: Readonly<Record<string, string>>,
  placeholders: readonly Placeholder[],
  connection: readonly string[],
): Recommendation {
  const argv = ['run', runbook, ...Object.entries(params).flatMap(([k, v]) => ['--param', `${k}=${v}`]), ...connection];
  return {
    runbook,
    params: { ...params },
    placeholders: [...placeholders],
    argv,
    command: ['talos-dr', ...argv].map(shellQuote).join(' '),
  };
}

/** The snapshot a restore needs: only the responder knows which one is good. */
export const SNAPSHOT_PLACEHOLDER: Placeholder = {
  param: 'snapshot',
  text: '<snapshot file>',
  meaning:
    'the newest good snapshot: a file from backup-snapshot (or a raw copy of member/snap/db, with rawCopy=true), or backup:latest with --backup-target <dir|s3://bucket/prefix> for a talos-dr backup',
};
