import { resolve } from 'node:path';
import type { Register } from './index.js';

/** `talos-dr log verify|show|replay|keygen`: check, read, re-decide and sign execution logs. */
export const register: Register = (program, ctx, setResult) => {
  // paths are the user's, relative to the command's working directory (not the process's)
  const at = (path: string): string => resolve(ctx.cwd, path);
  const log = program.command('log').description('read, verify and replay execution logs; make signing keys');
  log
    .command('verify')
    .description(
      'check the hash chain (and signatures) of a log and say what that proves (its segments, which are signed, how it ends): exit 0 intact, 1 tampered, badly signed or cut (naming the first bad record), 2 unreadable',
    )
    .argument('<file>', 'the JSON Lines log of a run')
    .option('--key <public-key>', 'require signatures by this ed25519 public key (<name>.pub) and a signed run-end')
    .option(
      '--allow-incomplete',
      'with --key: accept a log that does not end with a signed run-end (an interrupted run)',
    )
    .option(
      '--witness <file|dir>',
      "compare the log's head with the witness its run left (a head file, or the state dir: ~/.local/state/talos-dr): catches a log cut at a signed checkpoint",
    )
    .action(async (file: string, opts: { key?: string; allowIncomplete?: boolean; witness?: string }) => {
      const { logVerify } = await import('../../audit/log-verify.js');
      setResult(
        logVerify(
          at(file),
          {
            ...opts,
            ...(opts.key ? { key: at(opts.key) } : {}),
            ...(opts.witness ? { witness: at(opts.witness) } : {}),
          },
          ctx,
        ),
      );
    });
  log
    .command('show')
    .description("the auditor's report: header, deviations first, approvals, then the full timeline")
    .argument('<file>', 'the JSON Lines log of a run')
    .option('--format <format>', 'text, md, html (one self-contained file) or json', 'text')
    .option('--json', 'the same as --format json')
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--key <public-key>', 'check signatures against this public key in the report header')
    .action(async (file: string, opts: { format: string; json?: boolean; out?: string; key?: string }) => {
      const { logShow } = await import('../../audit/log-commands.js');
      const format = opts.json ? 'json' : opts.format;
      setResult(
        logShow(
          at(file),
          { format, ...(opts.out ? { out: at(opts.out) } : {}), ...(opts.key ? { key: at(opts.key) } : {}) },
          ctx,
        ),
      );
    });
  log
    .command('replay')
    .description(
      "re-decide every recorded check with today's parsers and checks from the recorded outputs: exit 0 all agree, 1 some differ, 2 unreadable",
    )
    .argument('<file>', 'the JSON Lines log of a run')
    .action(async (file: string) => {
      const { logReplay } = await import('../../audit/log-commands.js');
      setResult(logReplay(at(file), ctx));
    });
  log
    .command('keygen')
    .description('make an ed25519 key pair for signed logs: <name>.key (private, 0600) and <name>.pub (public)')
    .requiredOption('--out <name>', 'base name of the two files')
    .action(async (opts: { out: string }) => {
      const { logKeygen } = await import('../../audit/log-commands.js');
      setResult(logKeygen(at(opts.out), ctx));
    });
};
