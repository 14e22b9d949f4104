import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execSelf } from '../../src/drill/exec-self.js';

/**
 * execSelf starts the built parts of talos-dr (dist/, as a checkout runs them): the role picks the
 * part, the exit code comes back as data (never a throw), and the env given is the child's.
 */
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('execSelf', () => {
  it('runs the CLI part: its output and exit 0', async () => {
    const r = await execSelf('talos-dr', ['--version']);
    expect(r).toMatchObject({ code: 0, stdout: version, timedOut: false });
  });

  it("a usage error is the CLI's exit 2 and its message, not an exception", async () => {
    const r = await execSelf('talos-dr', ['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'no-such-command'");
  });

  it('runs the lab talosctl part as that role, with the env given (the lab dir it reads)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tdr-exec-self-'));
    writeFileSync(
      join(dir, 'lab.json'),
      JSON.stringify({
        version: 1,
        dir,
        nodes: [],
        quotaBytes: null,
        seedKeys: 0,
        seedPrefix: '',
        createdAt: '',
        supervisorPid: null,
        talosVersion: '1.8',
      }),
    );
    const r = await execSelf('talosctl-lab', ['version', '--client', '--short'], {
      env: { ...process.env, TALOS_DR_LAB_DIR: dir },
    });
    expect(r).toMatchObject({ code: 0, stdout: 'Client:\n\tTalos v1.8.4' });
    const without = await execSelf('talosctl-lab', ['version', '--client', '--short'], {
      env: { ...process.env, TALOS_DR_LAB_DIR: join(dir, 'none') },
    });
    expect(without.stdout).toBe('Client:\n\tTalos v1.14.0');
  });
});
