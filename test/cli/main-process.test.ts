import { describe, expect, it } from 'vitest';
import { BIN, runCli } from '../helpers/run-cli.js';

describe('talos-dr main', () => {
  it('prints the version and exits 0', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('documents the exit codes in --help', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('5    another run holds the cluster lock');
  });

  it('exits 2 on an unknown flag, without a stack trace', async () => {
    const r = await runCli(['--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('talos-dr output to a reader that goes away', () => {
  it('does not crash when stdout is closed early (talos-dr --help | head -1)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(BIN, ['--help'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    // the reader is gone before talos-dr writes anything, as with `| head -1` on a slow start
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toContain('EPIPE');
    expect(code).toBe(0);
  });
});
