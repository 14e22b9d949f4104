import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isTalosDrError } from '../../src/io/errors.js';
import {
  builtinRunbookDir,
  isRunbookFile,
  locateRunbook,
  packageRoot,
  runbookDirs,
  runbookFilesIn,
} from '../../src/runbook/source.js';

const cwd = mkdtempSync(join(tmpdir(), 'tdr-source-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
mkdirSync(join(cwd, 'runbooks', 'team'), { recursive: true });
writeFileSync(join(cwd, 'runbooks', 'team', 'ours.yml'), 'x');
writeFileSync(join(cwd, 'runbooks', 'a-local.yaml'), 'x');
writeFileSync(join(cwd, 'runbooks', 'notes.md'), 'x');
writeFileSync(join(cwd, 'file.yaml'), 'x');

describe('where runbooks come from', () => {
  it('the package root is this checkout; the built-ins are its runbooks/', () => {
    expect(packageRoot()).toBe(resolve('.'));
    expect(builtinRunbookDir()).toBe(resolve('runbooks'));
    expect(runbookDirs(cwd)).toEqual([resolve('runbooks'), join(cwd, 'runbooks')]);
  });

  it('runbookFilesIn: .yaml and .yml, recursively, sorted; nothing else', () => {
    expect(runbookFilesIn(join(cwd, 'runbooks'))).toEqual([
      join(cwd, 'runbooks', 'a-local.yaml'),
      join(cwd, 'runbooks', 'team', 'ours.yml'),
    ]);
    expect([
      isRunbookFile('a.yaml'),
      isRunbookFile('a.yml'),
      isRunbookFile('a.yaml.md'),
      isRunbookFile('yaml'),
    ]).toEqual([true, true, false, false]);
  });

  it('an existing file is taken as given; a name is a built-in first, then ./runbooks', () => {
    expect(locateRunbook('file.yaml', cwd)).toBe('file.yaml');
    expect(locateRunbook('nospace-recovery', cwd)).toBe(resolve('runbooks', 'nospace-recovery.yaml'));
    expect(locateRunbook('ours', cwd)).toBe(join(cwd, 'runbooks', 'team', 'ours.yml'));
  });

  it('an unknown name is a usage error that lists the known runbooks', () => {
    let caught: unknown;
    try {
      locateRunbook('nospace-recovry', cwd);
    } catch (e) {
      caught = e;
    }
    expect(isTalosDrError(caught) && caught.code).toBe('TDR_RUNBOOK_NOT_FOUND');
    expect(isTalosDrError(caught) && caught.exitCode).toBe(2);
    const text = isTalosDrError(caught) ? `${caught.message} ${caught.hint ?? ''}` : '';
    expect(text).toContain('no runbook named "nospace-recovry"');
    expect(text).toContain('nospace-recovery');
    expect(text).toContain('a-local');
  });

  it('a directory named like a runbook is not a file', () => {
    mkdirSync(join(cwd, 'health-check'));
    expect(locateRunbook('health-check', cwd)).toBe(resolve('runbooks', 'health-check.yaml'));
  });
});
