import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { register } from '../../../src/cli/commands/lint.js';
import { runRegistered } from '../../helpers/cli-in-process.js';
import { INVALID_RUNBOOK, VALID_RUNBOOK, workDirWithRunbooks } from '../../helpers/runbook-dir.js';

/** `talos-dr lint [paths…]`: exit 0 when every runbook is valid, 2 otherwise; ./runbooks by default. */

const DIAGNOSTIC = 'runbooks/bad.yaml:3:11 RB1103 metadata.title: missing required field (a string)';

describe('lint', () => {
  it('checks ./runbooks when given no path, naming files relative to the working directory', async () => {
    const cwd = workDirWithRunbooks({ 'ok.yaml': { copy: VALID_RUNBOOK }, 'bad.yaml': { copy: INVALID_RUNBOOK } });
    const r = await runRegistered(register, ['lint'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(`${DIAGNOSTIC}\n  hint: add the field\n`);
    expect(r.stderr).toBe('2 runbook(s) checked, 1 invalid\n');
  });

  it('exits 0 when all are valid', async () => {
    const cwd = workDirWithRunbooks({ 'ok.yaml': { copy: VALID_RUNBOOK } });
    const r = await runRegistered(register, ['lint', 'runbooks/ok.yaml', 'runbooks'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('2 runbook(s) checked, 0 invalid\n');
  });

  it('--no-hints prints only the diagnostic lines', async () => {
    const cwd = workDirWithRunbooks({ 'bad.yaml': { copy: INVALID_RUNBOOK } });
    const r = await runRegistered(register, ['lint', '--no-hints'], { cwd });
    expect(r.stdout).toBe(`${DIAGNOSTIC}\n`);
  });

  it('keeps an absolute folder absolute in what it prints', async () => {
    const cwd = workDirWithRunbooks({ 'bad.yaml': { copy: INVALID_RUNBOOK } });
    const r = await runRegistered(register, ['lint', '--no-hints', join(cwd, 'runbooks')], { cwd });
    expect(r.stdout).toBe(`${cwd}/${DIAGNOSTIC}\n`);
  });

  it('counts an empty folder as nothing checked, exit 0', async () => {
    const cwd = workDirWithRunbooks({});
    mkdirSync(join(cwd, 'empty'));
    const r = await runRegistered(register, ['lint', 'empty'], { cwd });
    expect([r.code, r.stderr]).toEqual([0, '0 runbook(s) checked, 0 invalid\n']);
  });

  it('refuses a path that is not there with TDR_FILE_NOT_FOUND naming it as typed', async () => {
    const cwd = workDirWithRunbooks({});
    const r = await runRegistered(register, ['lint', 'nope.yaml'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('talos-dr: TDR_FILE_NOT_FOUND nope.yaml: no such file\n');
  });

  it('reads a word after -- as a path, not as the flag', async () => {
    const cwd = workDirWithRunbooks({});
    const r = await runRegistered(register, ['lint', '--', '--no-hints'], { cwd });
    expect(r.stderr).toBe('talos-dr: TDR_FILE_NOT_FOUND --no-hints: no such file\n');
  });

  it('refuses an unknown flag with exit 2', async () => {
    const r = await runRegistered(register, ['lint', '--strict']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--strict'");
  });
});
