import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/list.js';
import { runRegistered } from '../../helpers/cli-in-process.js';
import { INVALID_RUNBOOK, VALID_RUNBOOK, workDirWithRunbooks } from '../../helpers/runbook-dir.js';

/** `talos-dr list`: built-in runbooks, then ./runbooks; a name once; an invalid file said so. */

const BUILTIN = readdirSync('runbooks')
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''));

const names = (stdout: string) => [...stdout.matchAll(/^(\S+) {2}/gm)].map((m) => m[1]);

describe('list', () => {
  it('lists every built-in runbook with its title and an indented summary', async () => {
    const r = await runRegistered(register, ['list'], { cwd: workDirWithRunbooks({}) });
    expect(r.code).toBe(0);
    expect(names(r.stdout)).toEqual(BUILTIN);
    expect(r.stdout).toContain('health-check  Check etcd health\n    Read-only: ');
  });

  it('adds ./runbooks after the built-in ones; a local file with a built-in name is not listed twice', async () => {
    const cwd = workDirWithRunbooks({
      'mine.yaml': { copy: VALID_RUNBOOK },
      'health-check.yaml': { copy: VALID_RUNBOOK },
    });
    const r = await runRegistered(register, ['list'], { cwd });
    expect(names(r.stdout)).toEqual([...BUILTIN, 'mine']);
    expect(r.stdout).toContain('mine  Remove a lost etcd member (fixture)\n');
    // the built-in one wins: its title, not the fixture's
    expect(r.stdout).toContain('health-check  Check etcd health\n');
  });

  it('names an invalid runbook and the lint command that says why, and goes on', async () => {
    const cwd = workDirWithRunbooks({ 'broken.yaml': { copy: INVALID_RUNBOOK }, 'z.yaml': { copy: VALID_RUNBOOK } });
    const r = await runRegistered(register, ['list'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`broken  (invalid: run talos-dr lint ${cwd}/runbooks/broken.yaml)\n`);
    expect(names(r.stdout).slice(-2)).toEqual(['broken', 'z']);
  });

  it('refuses an argument (it takes none)', async () => {
    const r = await runRegistered(register, ['list', 'extra']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('too many arguments');
  });
});
