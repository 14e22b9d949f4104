import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/log.js';
import { runRegistered } from '../../helpers/cli-in-process.js';

/**
 * `talos-dr log verify|show|replay|keygen` in-process on the recorded fixture log
 * (fixtures/logs/nospace-recovery.jsonl, with its golden reports): the flags reach the right
 * report, and each verdict its exit code.
 */

const LOG = resolve('fixtures/logs/nospace-recovery.jsonl');
const work = mkdtempSync(join(tmpdir(), 'tdr-log-cmd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const log = (args: string[]) => runRegistered(register, ['log', ...args], { cwd: work });

describe('log show', () => {
  it('--json is --format json: the golden JSON report', async () => {
    const golden = readFileSync('fixtures/logs/nospace-recovery.golden.json', 'utf8');
    expect((await log(['show', LOG, '--json'])).stdout).toBe(golden);
    expect((await log(['show', LOG, '--format', 'json'])).stdout).toBe(golden);
  });

  it('--json wins over another --format', async () => {
    const r = await log(['show', LOG, '--format', 'md', '--json']);
    expect(r.stdout.startsWith('{')).toBe(true);
  });

  it('defaults to text, and --format md gives the golden Markdown', async () => {
    expect((await log(['show', LOG])).stdout).toBe(readFileSync('fixtures/logs/nospace-recovery.golden.txt', 'utf8'));
    expect((await log(['show', LOG, '--format', 'md'])).stdout).toBe(
      readFileSync('fixtures/logs/nospace-recovery.golden.md', 'utf8'),
    );
  });

  it("relative paths are the user's: the log and --out resolve against the command's cwd, not the process's", async () => {
    copyFileSync(LOG, join(work, 'run.jsonl'));
    const r = await log(['show', 'run.jsonl', '--format', 'md', '--out', 'relative-report.md']);
    expect(r.code).toBe(0);
    expect(readFileSync(join(work, 'relative-report.md'), 'utf8')).toBe(
      readFileSync('fixtures/logs/nospace-recovery.golden.md', 'utf8'),
    );
    expect(existsSync('relative-report.md')).toBe(false);
    expect((await log(['verify', 'run.jsonl'])).code).toBe(0);
    expect((await log(['replay', 'run.jsonl'])).code).toBe(0);
  });

  it('--out writes the report there instead of stdout', async () => {
    const r = await log(['show', LOG, '--format', 'md', '--out', join(work, 'report.md')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(join(work, 'report.md'), 'utf8')).toBe(
      readFileSync('fixtures/logs/nospace-recovery.golden.md', 'utf8'),
    );
  });
});

describe('log verify', () => {
  it('exits 0 on the intact log, 1 on one record changed', async () => {
    expect((await log(['verify', LOG])).code).toBe(0);
    const bad = join(work, 'tampered.jsonl');
    const lines = readFileSync(LOG, 'utf8').split('\n');
    lines[2] = (lines[2] ?? '').replace('NOSPACE', 'CORRUPT');
    writeFileSync(bad, lines.join('\n'));
    expect((await log(['verify', bad])).code).toBe(1);
  });

  it('exits 1 with --key on an unsigned log', async () => {
    const keys = join(work, 'k');
    expect((await log(['keygen', '--out', keys])).code).toBe(0);
    expect((await log(['verify', LOG, '--key', `${keys}.pub`])).code).toBe(1);
  });
});

describe('log replay', () => {
  it('exits 0 when every replayed verdict agrees', async () => {
    const r = await log(['replay', LOG]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('all 7 replayed verdicts agree');
  });
});

describe('log keygen', () => {
  it('writes <name>.key (0600) and <name>.pub', async () => {
    const r = await log(['keygen', '--out', join(work, 'ops')]);
    expect(r.code).toBe(0);
    expect(statSync(join(work, 'ops.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(work, 'ops.pub'), 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('refuses to run without --out, exit 2, writing nothing', async () => {
    const r = await log(['keygen']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("required option '--out <name>' not specified");
  });
});

it('log without a subcommand prints its help and exits non-zero', async () => {
  copyFileSync(LOG, join(work, 'x.jsonl'));
  const r = await log([]);
  expect(r.code).not.toBe(0);
  expect(r.stderr + r.stdout).toContain('verify');
  expect(existsSync(join(work, 'x.jsonl'))).toBe(true);
});
