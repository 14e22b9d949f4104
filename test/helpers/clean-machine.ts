import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import type { DrillReport } from './drill.js';

/**
 * A "clean machine" for an installed talos-dr: PATH is only the install's bin folder, Node's and
 * /usr/bin:/bin (etcd and etcdctl are Debian packages there), HOME and TMPDIR are empty temp folders, and no
 * TALOS_DR_* variable or checkout is in reach (the working directory is a temp folder too).
 */
export function cleanEnv(work: string, binDir: string): Record<string, string> {
  const home = join(work, 'home');
  const tmp = join(work, 'tmp');
  for (const d of [home, tmp]) mkdirSync(d, { recursive: true });
  const node = dirname(process.execPath);
  const path = [binDir, ...(node === '/usr/bin' ? [] : [node]), '/usr/bin', '/bin'].join(':');
  // TMPDIR: the drill's own temp folder goes where the test removes it
  return { PATH: path, HOME: home, TMPDIR: tmp, NO_COLOR: '1', LANG: 'C.UTF-8' };
}

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `talos-dr` as found on the clean PATH (extendEnv off: nothing of the test's env leaks in). */
export async function runInstalled(
  work: string,
  env: Record<string, string>,
  args: string[],
  timeoutMs = 60_000,
): Promise<Ran> {
  const r = await execa('talos-dr', args, {
    env,
    extendEnv: false,
    cwd: work,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    timeout: timeoutMs,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** The checkout's package version (what `--version` must print). */
export const packageVersion = (): string =>
  (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/**
 * The first thing a user types after installing: `talos-dr --version` prints the package's version
 * and `list` every built-in runbook, from the clean PATH and HOME of `cleanEnv(work, binDir)`.
 * Returns that environment for the test's next commands.
 */
export async function expectVersionAndList(work: string, binDir: string): Promise<Record<string, string>> {
  const env = cleanEnv(work, binDir);
  const v = await runInstalled(work, env, ['--version']);
  expect(v).toMatchObject({ code: 0, stdout: `${packageVersion()}\n` });
  const l = await runInstalled(work, env, ['list']);
  expect(l.code, l.stderr).toBe(0);
  const listed = [...l.stdout.matchAll(/^(\S+) {2}/gm)].map((m) => m[1]).sort();
  expect(listed).toEqual(builtinNames());
  return env;
}

/** The built-in runbook names of the checkout (what `list` must show). */
export const builtinNames = (): string[] =>
  readdirSync('runbooks')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();

/**
 * `talos-dr drill nospace-recovery --approve-all --json` on 127.0.0.91+ (this test's range), then
 * `log verify` by the same install; returns the report and the log's run-start record.
 */
export async function drillOnCleanMachine(
  work: string,
  env: Record<string, string>,
): Promise<{ report: DrillReport; start: { runbook: string; target: { talosctl: string } } }> {
  const log = join(work, 'drill.jsonl');
  const args = ['drill', 'nospace-recovery', '--approve-all', '--json', '--first-address', '127.0.0.91'];
  const r = await runInstalled(work, env, [...args, '--dir', join(work, 'lab'), '--log', log], 300_000);
  let report: DrillReport;
  try {
    report = JSON.parse(r.stdout) as DrillReport;
  } catch {
    throw new Error(`drill printed no JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr.slice(-3000)}`);
  }
  expect(r.code, r.stderr.slice(-3000)).toBe(0);
  const v = await runInstalled(work, env, ['log', 'verify', log]);
  expect(v.code, v.stdout + v.stderr).toBe(0);
  const first = JSON.parse(readFileSync(log, 'utf8').split('\n')[0] ?? '{}') as {
    type: string;
    payload: { runbook: string; target: { talosctl: string } };
  };
  expect(first.type).toBe('run-start');
  return { report, start: first.payload };
}
