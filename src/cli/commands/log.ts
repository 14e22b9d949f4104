import type { Register } from './index.js';

/** `talos-dr log verify|show <file>`: check a run's hash chain, or read it as a timeline. */
export const register: Register = (program, ctx, setResult) => {
  const log = program.command('log').description('read and verify execution logs');
  log
    .command('verify')
    .description('check the hash chain of a log: exit 0 intact, 1 tampered (naming the first bad record), 2 unreadable')
    .argument('<file>', 'the JSON Lines log of a run')
    .action(async (file: string) => {
      const { logVerify } = await import('../../audit/log-commands.js');
      setResult(logVerify(file, ctx));
    });
  log
    .command('show')
    .description('print a log as a timeline: time, record type, what happened')
    .argument('<file>', 'the JSON Lines log of a run')
    .option('--json', 'print the records as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const { logShow } = await import('../../audit/log-commands.js');
      setResult(logShow(file, { json: opts.json === true }, ctx));
    });
};
