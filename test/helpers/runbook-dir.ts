import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { onTestFinished } from 'vitest';

export const VALID_RUNBOOK = resolve('fixtures/runbooks/valid/remove-lost-member.yaml');
export const INVALID_RUNBOOK = resolve('fixtures/runbooks/invalid/rb1103-missing-title.yaml');

/**
 * A working directory (removed after the test) whose ./runbooks holds the given files: a name
 * and either a fixture to copy or the YAML text itself.
 */
export function workDirWithRunbooks(files: Record<string, { copy: string } | { text: string }>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'tdr-runbooks-'));
  onTestFinished(() => rmSync(cwd, { recursive: true, force: true }));
  mkdirSync(join(cwd, 'runbooks'));
  for (const [name, f] of Object.entries(files)) {
    if ('copy' in f) copyFileSync(f.copy, join(cwd, 'runbooks', name));
    else writeFileSync(join(cwd, 'runbooks', name), f.text);
  }
  return cwd;
}
