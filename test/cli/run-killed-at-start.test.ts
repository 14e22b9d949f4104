import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

/**
 * Found by the crash campaign: `talos-dr run` SIGKILLed during its first talosctl call (the
 * client version) left an EMPTY log, which `resume` cannot resume. The version is now asked
 * before the log exists: a run killed there leaves no log (nothing ran: run it again).
 */
describe('talos-dr run killed at its first talosctl call', () => {
  it('leaves no log file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-killed-start-'));
    const stand = join(dir, 'talosctl');
    writeFileSync(
      stand,
      `#!/usr/bin/env node\nif (process.argv[2] === 'version') process.kill(process.ppid, 'SIGKILL');\nprocess.exit(1);\n`,
    );
    chmodSync(stand, 0o755);
    const log = join(dir, 'run.jsonl');
    const r = await runCli(
      ['run', 'health-check', '--param', 'nodes=10.5.0.2', '--param', 'members=1', '--talosctl', stand, '--log', log],
      { cwd: dir },
    );
    expect(r.code, r.stderr).not.toBe(0);
    expect(existsSync(log)).toBe(false);
  });
});
