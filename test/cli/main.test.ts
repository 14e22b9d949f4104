import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { main } from '../../src/cli/main.js';
import { captureContext } from '../helpers/cli-in-process.js';
import { INVALID_RUNBOOK } from '../helpers/runbook-dir.js';

/**
 * main() in-process: the one place that turns what happened into an exit code and stderr.
 * (test/cli/main-process.test.ts starts the built CLI for what needs a process: a closed pipe.)
 */

async function run(argv: string[], ctxOverride?: Parameters<typeof captureContext>[0]) {
  const c = captureContext(ctxOverride);
  const code = await main(argv, c.ctx);
  return { code, stdout: c.out(), stderr: c.err() };
}

const STACK = /\n\s+at /;

describe('main', () => {
  it.each([['--version'], ['-V']])('answers %s alone with the package version, exit 0', async (flag) => {
    expect(await run([flag])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('answers --help with exit 0 and the exit-code table', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('130  interrupted; resumable');
    expect(r.stderr).toBe('');
  });

  it('answers a command’s --help with exit 0', async () => {
    const r = await run(['watch', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--every <duration>');
  });

  it.each([
    [['--bogus'], "unknown option '--bogus'"],
    [['bogus'], "unknown command 'bogus'"],
    [['graph', 'nospace-recovery', '--format', 'svg'], "option '--format <format>' argument 'svg' is invalid"],
    [['log', 'keygen'], "required option '--out <name>' not specified"],
    [['describe'], "missing required argument 'runbook'"],
  ])('refuses %j with exit 2, naming what is wrong, and no stack', async (argv, says) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(says);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.stdout).toBe('');
  });

  it("prints a user error's code, message and hint with its exit code, and no stack", async () => {
    const r = await run(['describe', 'no-such-runbook']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^talos-dr: TDR_RUNBOOK_NOT_FOUND no runbook named "no-such-runbook"/);
    expect(r.stderr).toContain('\n  hint: known runbooks: ');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('turns anything else into TDR_INTERNAL, exit 1, "please report" and the stack', async () => {
    // the only port that can fail under a command: a stdout that throws (a plain Error, not ours)
    const c = captureContext();
    const ctx = {
      ...c.ctx,
      stdout: {
        write: () => {
          throw new Error('stdout is gone');
        },
      },
    };
    const code = await main(['list'], ctx);
    expect(code).toBe(1);
    expect(c.err()).toMatch(
      /^talos-dr: TDR_INTERNAL internal error: Error: stdout is gone\n {2}hint: this is a bug in talos-dr; please report it with the command you ran\nError: stdout is gone\n\s+at /,
    );
  });

  it('answers --version among other words through the program, still exit 0', async () => {
    const r = await run(['--version', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it("returns the command's own exit code", async () => {
    // lint of an invalid runbook: exit 2 set by the command (setResult), not thrown
    const r = await run(['lint', INVALID_RUNBOOK]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('1 runbook(s) checked, 1 invalid\n');
  });
});
