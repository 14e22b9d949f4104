import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanEnv, drillOnCleanMachine, expectVersionAndList, runInstalled } from '../../helpers/clean-machine.js';

/**
 * `npm run build:sea`, then the one file copied alone into an empty folder and run on a clean PATH
 * and HOME: --version, list (the runbooks come out of the executable), and a NOSPACE drill on
 * 127.0.0.91–93 where the executable is also the lab supervisor and the lab's talosctl.
 */

let work: string;
let bin: string;

beforeAll(async () => {
  const t0 = Date.now();
  const b = await execa('node', ['scripts/build-sea.mjs'], { reject: false, all: true });
  if (b.exitCode !== 0) throw new Error(`build:sea failed (exit ${b.exitCode}):\n${b.all}`);
  process.stdout.write(`build:sea took ${Date.now() - t0} ms: ${b.stdout.trim().split('\n').at(-1)}\n`);
  work = mkdtempSync(join(tmpdir(), 'tdr-sea-'));
  bin = join(work, 'bin');
  mkdirSync(bin);
  copyFileSync('dist-sea/talos-dr', join(bin, 'talos-dr'));
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the single executable', () => {
  it('is one executable file', () => {
    const st = statSync(join(bin, 'talos-dr'));
    expect(st.mode & 0o111).not.toBe(0);
    process.stdout.write(`dist-sea/talos-dr: ${st.size} bytes\n`);
  });

  it('runs --version and list from a clean PATH and HOME, its runbooks laid out under the state dir', async () => {
    const env = await expectVersionAndList(work, bin);
    expect(existsSync(join(env.HOME ?? '', '.local', 'state', 'talos-dr', 'builtin-runbooks'))).toBe(true);
  });

  it('answers a bad flag as the CLI does (exit 2, no stack trace)', async () => {
    const r = await runInstalled(work, cleanEnv(work, bin), ['drill', 'nospace-recovery', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus'");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs a NOSPACE drill on 127.0.0.91–93, as the lab supervisor and talosctl too', async () => {
    const env = cleanEnv(work, bin);
    const t0 = Date.now();
    const { report, start } = await drillOnCleanMachine(work, env);
    process.stdout.write(
      `single-executable drill: ${Date.now() - t0} ms (time to recover ${report.timeToRecoverMs} ms)\n`,
    );
    expect(report).toMatchObject({ exitCode: 0, recovered: true, data: { intact: true } });
    // the run's talosctl: the lab dir's symlink to the executable; its runbook: a real file
    expect(start.target.talosctl).toBe(join(work, 'lab', 'talosctl-lab'));
    expect(lstatSync(start.target.talosctl).isSymbolicLink()).toBe(true);
    expect(start.runbook).toMatch(
      /\/\.local\/state\/talos-dr\/builtin-runbooks\/[0-9a-f]{16}\/nospace-recovery\.yaml$/,
    );
    expect(readFileSync(start.runbook, 'utf8')).toBe(readFileSync('runbooks/nospace-recovery.yaml', 'utf8'));
  }, 400_000);
});
