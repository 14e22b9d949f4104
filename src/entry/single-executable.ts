import { ExitCode } from '../io/exit-codes.js';
import { roleOf } from '../lab/self-command.js';

/**
 * The single executable's one CommonJS script (Node's SEA runs exactly one): every part of
 * talos-dr, chosen by the name it was started under (see src/lab/self-command.ts). In an SEA
 * process.argv is [executable, argv0, ...args], as for `node script ...args`.
 */
async function play(): Promise<void> {
  const args = process.argv.slice(2);
  switch (roleOf(process.argv0)) {
    case 'lab-supervisor':
      return (await import('../lab/supervisor-main.js')).supervisorMain(args);
    case 'talosctl-lab':
      process.exitCode = await (await import('../lab/talosctl-shim-main.js')).shimMain(args);
      return;
    case 'talos-dr':
      return (await import('../cli/main.js')).runAsProgram();
  }
}

play().catch((e: unknown) => {
  // main.ts reports every error of the CLI itself; this is only a failure to start a part
  process.stderr.write(`talos-dr: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = ExitCode.failed;
});
